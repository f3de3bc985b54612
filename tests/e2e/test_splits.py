"""Splitting a payment in the browser: from the list's row menu to the split page, whose script
says what is left to share out and adds rows in place, to the parts in the list."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.transactions.models import Transaction
from apps.transactions.services import account_open, expense_post
from tests.factories import default_category

from .support import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_receipt_split_into_two_categories(app, make_customer, customer_password, open_app):
    user = make_customer("split@example.com")
    checking = account_open(user=user, name="Checking", opening_balance=Decimal("500.00"),
                            opened_on=date(2025, 1, 1))
    entry = expense_post(user=user, account_id=checking.pk, amount=Decimal("100.00"),
                         category=default_category("groceries"), occurred_on=date(2025, 3, 10),
                         description="LIDL 1234")
    default_category("household")
    app.login(user.email, customer_password)
    page = app.page
    app.goto("/transactions/")
    page.get_by_role("button", name="Actions for expense of 100.00 on Mar 10, 2025").click()
    app.follow("Split into categories")
    assert app.path() == f"/transactions/{entry.pk}/split/"

    left = page.locator("#split-left")
    expect(page.locator("#id_form-0-amount")).to_have_value("100.00")
    expect(left).to_have_text("The parts add up.")
    page.locator("#id_form-0-amount").fill("80")
    expect(left).to_have_text("20.00 USD is not in a part yet.")
    page.locator("#id_form-1-amount").fill("25.5")
    expect(left).to_have_text("The parts are 5.50 USD over.")
    page.locator("#id_form-1-amount").fill("")
    # The rest goes into the next empty part in one click; the focus moves on to its category.
    page.get_by_role("button", name="Put 20.00 USD in the next empty part").click()
    expect(page.locator("#id_form-1-amount")).to_have_value("20.00")
    expect(page.locator("#id_form-1-category")).to_be_focused()
    expect(page.locator("#split-rest")).to_be_hidden()
    page.locator("#id_form-1-category").select_option(label="Household")
    expect(left).to_have_text("The parts add up.")
    # "More rows" adds one in place (no reload: what was typed stays), labelled like the others.
    page.get_by_role("button", name="More rows").click()
    expect(page.locator("#id_form-3-amount")).to_be_focused()
    expect(page.get_by_text("Part 4", exact=True)).to_be_visible()
    assert page.locator("#id_form-TOTAL_FORMS").input_value() == "4"
    expect(page.locator("#id_form-0-amount")).to_have_value("80")
    app.check(force=True)
    app.screenshot("split-desktop")
    app.submit("Save the parts")

    expect(app.success_message()).to_contain_text("Split into 2 parts: Groceries 80.00 USD, Household 20.00 USD.")
    parts = list(Transaction.objects.filter(account=checking, kind="expense").order_by("pk"))
    assert [(p.amount, p.category.name) for p in parts] == [(Decimal("80.00"), "groceries"),
                                                            (Decimal("20.00"), "household")]
    checking.refresh_from_db()
    assert checking.balance == Decimal("400.00")
    app.goto("/transactions/")
    expect(page.locator("[data-split]")).to_have_count(2)

    # On a phone the parts stack, and a wrong sum is said and keeps what was typed.
    phone = open_app(viewport=PHONE)
    phone.login(user.email, customer_password)
    phone.goto(f"/transactions/{entry.pk}/split/")
    phone.page.locator("#id_form-1-amount").fill("10")
    phone.submit("Save the parts")
    expect(phone.page.locator("#split-errors")).to_contain_text("10.00 USD is not in a part yet.")
    expect(phone.page.locator("#id_form-1-amount")).to_have_value("10")
    phone.screenshot("split-phone")
    assert Transaction.objects.get(pk=parts[1].pk).amount == Decimal("20.00")
