"""The German locale journey (issue 16, points 8 and 10): a browser that prefers German gets
the registration form in German with the German format chosen; the customer opens a euro
account, types "12,50" as an expense and reads "12,50 €" back, dates as 29.11.2026."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from apps.accounts.models import Account
from apps.transactions.models import Category, Transaction
from apps.users.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a long and unusual passphrase 42"


def submit(app):
    """Send the page's main form by its primary button (found by its role and look, not its
    German words; a form may have other buttons, as the expense's "Add and split")."""
    with app.page.expect_navigation():
        app.page.locator("main form button[type=submit].btn-primary").last.click()
    app.check()


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_register_in_german_add_12_50_and_read_12_50_euro(open_app):
    app = open_app(locale="de-DE")  # a browser that prefers German
    page = app.page

    app.goto("/register/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("select[name=locale]")).to_have_value("de-DE")  # preselected from the browser
    page.fill("input[name=email]", "greta@example.com")
    page.fill("input[name=display_name]", "Greta")
    # The browser's country's currency, preselected in the list of currencies named in German.
    expect(page.locator("select[name=default_currency]")).to_have_value("EUR")
    expect(page.locator("select[name=default_currency] option[value=CHF]")).to_have_text("CHF – Schweizer Franken")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(app)
    [message] = [m for m in mail.outbox if m.to == ["greta@example.com"]]
    link = next(word for word in message.body.split() if "/activate/" in word)
    app.goto(urlsplit(link).path)
    page.fill("input[name=password]", PASSWORD)
    submit(app)
    user = User.objects.get(email="greta@example.com")
    assert (user.locale, user.default_currency) == ("de-DE", "EUR")

    # An account in euros, the opening balance typed the German way.
    app.goto("/accounts/new/")
    page.fill("input[name=name]", "Girokonto")
    expect(page.locator("select[name=currency]")).to_have_value("EUR")  # the customer's currency
    page.fill("input[name=opening_balance]", "1000,00")
    submit(app)
    account = Account.objects.get(owner=user)
    assert (account.currency, account.balance) == ("EUR", Decimal("1000.00"))

    # The expense: "12,50".
    app.goto("/transactions/expense/new/")
    page.locator("select[name=account]").select_option(str(account.pk))
    page.fill("input[name=amount]", "12,50")
    page.locator("select[name=category]").select_option(str(Category.objects.get(owner=None, name="food").pk))
    submit(app)
    entry = Transaction.objects.get(owner=user, kind="expense")
    assert entry.amount == Decimal("12.50")
    expect(page.locator(".messages .alert-success")).to_contain_text("12,50 €")
    expect(page.locator("#account-balance")).to_have_text("987,50 €")
    day = entry.occurred_on.strftime("%d.%m.%Y")
    expect(page.locator("main")).to_contain_text(day)
    expect(page.locator("main")).to_contain_text("−12,50 €")

    # The list and the dashboard speak German too.
    app.goto("/transactions/")
    expect(page.locator("h1")).to_have_text("Umsätze")
    expect(page.locator("table.transactions-table")).to_contain_text("−12,50 €")
    app.goto("/")
    expect(page.locator("main")).to_contain_text("987,50 €")
    assert not re.search(r"\b(Transactions|Accounts|Add expense|Log out)\b", page.locator("body").inner_text())
