"""The transactions list in the browser (issue 16, point 3): quick entry of an expense with the
keyboard alone (date, payee, amount, category, Enter), several rows ticked and recategorised
after a confirmation, one menu per row, a transfer on one line."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Account
from apps.transactions.models import Category, Transaction
from apps.transactions.services import account_open, expense_post, transfer_create

from .support import focused_description, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def food():
    return Category.objects.get(owner__isnull=True, name="food")


def test_quick_entry_with_the_keyboard_alone_twice_in_a_row(app, make_customer, customer_password):
    user = make_customer("quick@example.com")
    account = account_open(user=user, name="Daily account", opening_balance=Decimal("100.00"))
    app.login("quick@example.com", customer_password)
    page, keyboard = app.page, app.page.keyboard
    app.goto("/transactions/")

    # Tab to the quick entry's date (today is filled in), then payee, amount, category, Enter.
    tab_to(page, r"^INPUT \| quick-occurred_on")
    tab_to(page, r"^INPUT \| quick-payee", limit=4)  # Tab walks the date's day, month and year first
    keyboard.type("Corner bakery")
    keyboard.press("Tab")
    keyboard.type("12.50")
    keyboard.press("Tab")
    assert "quick-category" in focused_description(page)
    keyboard.type("food")
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check(force=True)
    expect(app.success_message()).to_contain_text("Expense of 12.50 USD recorded on “Daily account”")
    # Back on the list, the focus is in the quick entry again, ready for the next one.
    assert "quick-occurred_on" in focused_description(page)
    expect(page.locator("table.transactions-table tbody tr").first).to_contain_text("Corner bakery")

    tab_to(page, r"^INPUT \| quick-payee", limit=4)
    keyboard.type("Newsagent")
    keyboard.press("Tab")
    keyboard.type("abc")  # a mistake: the list says so and keeps what was typed
    keyboard.press("Tab")
    keyboard.type("food")
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check(force=True)
    expect(page.locator("#id_quick-amount-error")).to_contain_text("Enter an amount as a number")
    expect(page.locator("#id_quick-payee")).to_have_value("Newsagent")
    assert "quick-amount" in focused_description(page)  # the field in error has the focus
    keyboard.press("Control+a")
    keyboard.type("3.20")
    with page.expect_navigation():
        keyboard.press("Enter")
    app.check()
    expect(app.success_message()).to_contain_text("Expense of 3.20 USD recorded")

    assert sorted(Transaction.objects.filter(kind="expense").values_list("payee", "amount")) == [
        ("Corner bakery", Decimal("12.50")), ("Newsagent", Decimal("3.20"))]
    assert Account.objects.get(pk=account.pk).balance == Decimal("84.30")


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_tick_rows_change_their_category_after_confirming(app, make_customer, customer_password):
    user = make_customer("bulk@example.com")
    account = account_open(user=user, name="Daily account", opening_balance=Decimal("500.00"),
                           opened_on=date(2025, 1, 1))
    savings = account_open(user=user, name="Savings", opening_balance=Decimal("0.00"), opened_on=date(2025, 1, 1))
    for n, payee in enumerate(["Cinema", "Theatre", "Grocer"], start=1):
        expense_post(user=user, account_id=account.pk, amount=Decimal(f"{n}0.00"), category=food(),
                     occurred_on=date(2025, 5, n), payee=payee)
    transfer_create(user=user, from_account_id=account.pk, to_account_id=savings.pk, amount=Decimal("100.00"),
                    occurred_on=date(2025, 5, 9))
    fun = Category.objects.create(owner=user, name="fun", kind="expense")
    app.login("bulk@example.com", customer_password)
    page = app.page
    app.goto("/transactions/")

    # A transfer is one line, naming both accounts; every row has one menu.
    expect(page.get_by_text("Daily account → Savings")).to_have_count(1)
    page.get_by_role("button", name="Actions for expense of 10.00 on May 1, 2025").click()
    expect(page.get_by_role("link", name="Edit expense of 10.00 on May 1, 2025")).to_be_visible()
    page.keyboard.press("Escape")

    # Select all, then untick the grocer: the bar counts them.
    page.get_by_label("Select every transaction on this page").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("5 transactions ticked.")
    page.get_by_label("Select every transaction on this page").uncheck()
    page.get_by_label("Select expense of 10.00 on May 1, 2025").check()
    page.get_by_label("Select expense of 20.00 on May 2, 2025").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 transactions ticked.")
    page.get_by_label("New category for the ticked transactions").select_option(str(fun.pk))
    app.submit("Change category")

    # The confirmation lists the two; nothing has changed yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the category of 2 transactions to Fun")
    assert not Transaction.objects.filter(category=fun).exists()
    app.submit("Yes, change the category")
    expect(app.success_message()).to_contain_text("2 transactions moved to “Fun”")
    assert sorted(Transaction.objects.filter(category=fun).values_list("payee", flat=True)) == ["Cinema", "Theatre"]
    assert Transaction.objects.get(payee="Grocer").category == food()
    assert re.search(r"/transactions/", page.url)


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_a_new_time_zone_in_settings_moves_today_at_once(app, make_customer, customer_password):
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) are always on different days: the quick
    entry's date, "today" in the customer's zone, follows the zone saved in settings."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    user = make_customer("zone@example.com")
    account_open(user=user, name="Daily account", opening_balance=Decimal("10.00"), opened_on=date(2025, 1, 1))
    app.login("zone@example.com", customer_password)
    page = app.page
    days = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        app.goto("/settings/")
        page.fill("input[name=time_zone]", zone)
        app.submit("Save settings")
        expect(app.success_message()).to_be_visible()
        app.goto("/transactions/")
        days[zone] = page.locator("#id_quick-occurred_on").input_value()
        assert days[zone] == datetime.now(ZoneInfo(zone)).date().isoformat()
    assert days["Pacific/Kiritimati"] != days["Pacific/Pago_Pago"]
