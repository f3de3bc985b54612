"""Everything can be done with the keyboard alone: log in, record an expense that goes over
a budget, read the alert and mark it read, with Tab, Enter, Space and typing only."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.budgets.services import budget_create
from apps.transactions.models import Category, Transaction
from apps.transactions.services import account_open

from .support import focused_description, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_keyboard_only_login_expense_and_alert(app, make_customer, customer_password):
    user = make_customer("kim@example.com")
    account_open(user=user, name="Daily account", opening_balance=Decimal("100.00"))
    budget_create(user=user, category=Category.objects.get(owner__isnull=True, name="food"), limit=Decimal("10"))
    page, keyboard = app.page, app.page.keyboard

    # Log in: the email field has the focus; Tab to the password, Enter sends the form.
    app.goto("/login/")
    assert "username" in focused_description(page)
    keyboard.type("kim@example.com")
    keyboard.press("Tab")
    assert "password" in focused_description(page)
    keyboard.type(customer_password)
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check()
    expect(page).to_have_url(re.compile(r"/$"))

    # The first Tab reaches the skip link, which moves the focus into the page.
    keyboard.press("Tab")
    assert "Skip to content" in focused_description(page)
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()

    # Navigation bar -> Transactions -> Add expense.
    tab_to(page, r"^A \|.*\| Transactions$")
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check()
    tab_to(page, r"^A \|.*\| Add expense$")
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check()

    # The form: choose with the arrow keys and type-ahead, type the rest, submit with Space.
    tab_to(page, r"^SELECT \| account")
    keyboard.press("ArrowDown")
    expect(app.field("Account")).to_have_value(re.compile(r"^\d+$"))
    keyboard.press("Tab")
    assert "amount" in focused_description(page)
    keyboard.type("12.34")
    tab_to(page, r"^SELECT \| category")
    keyboard.type("food")
    expect(app.field("Category").locator("option:checked")).to_have_text(re.compile("food", re.I))
    tab_to(page, r"\| description \|")
    keyboard.type("Lunch, paid by keyboard")
    tab_to(page, r"^BUTTON \|.*Add expense")
    with page.expect_navigation():
        keyboard.press("Space")
    app.check()
    expect(app.success_message()).to_contain_text("Expense of 12.34 USD recorded on “Daily account”")
    expect(page.locator("#account-balance")).to_have_text("87.66 USD")
    assert Transaction.objects.get(kind="expense").description == "Lunch, paid by keyboard"

    # The budget went over: the alert is one Tab-walk away, and Space marks it read.
    assert app.badge_count() == 1  # straight past the limit: the exceeded alert alone
    tab_to(page, r"^A \|.*\| Alerts")
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check()
    tab_to(page, r"^BUTTON \|.*Mark as read")
    with page.expect_navigation():
        keyboard.press("Space")
    app.check(force=True)
    expect(app.success_message()).to_contain_text("Alert marked as read")
    assert app.badge_count() == 0
