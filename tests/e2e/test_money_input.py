"""What the customer typed is what is stored: a browser no longer rewrites "12,50".

With the old ``type=number`` input Chromium turned "12,50" into 1250 and 1,250.00 was
posted without a word. Money fields are text with ``inputmode=decimal`` now, and the
server reads them with one rule: "12,50" is refused with a message that says what to
type, nothing is stored, and what was typed stays in the field."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.transactions.models import Transaction
from apps.transactions.services import account_open

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_decimal_comma_is_refused_not_turned_into_a_thousand(app, make_customer, customer_password):
    user = make_customer("comma@example.com")
    account = account_open(user=user, name="Girokonto", opening_balance=Decimal("2000.00"))
    app.login("comma@example.com", customer_password)
    page = app.page

    app.goto(f"/transactions/expense/new/?account={account.pk}")
    amount = app.field("Amount")
    expect(amount).to_have_attribute("type", "text")
    expect(amount).to_have_attribute("inputmode", "decimal")
    amount.fill("12,50")
    app.select("Category", "food")
    app.field("Description").fill("Bäckerei")
    app.submit("Add expense")

    expect(page.locator("#div_id_amount .invalid-feedback")).to_contain_text("12,50: use 12.50")
    expect(app.field("Amount")).to_have_value("12,50")
    expect(app.field("Description")).to_have_value("Bäckerei")
    assert not Transaction.objects.filter(kind="expense").exists()
    account.refresh_from_db()
    assert account.balance == Decimal("2000.00")

    # Typed as the message says, it is stored to the cent.
    app.field("Amount").fill("12.50")
    app.submit("Add expense")
    expect(app.success_message()).to_contain_text("12.50 USD")
    assert Transaction.objects.get(kind="expense").amount == Decimal("12.50")
    account.refresh_from_db()
    assert account.balance == Decimal("1987.50")


@pytest.mark.full
def test_a_transfer_asks_for_what_arrives_only_between_two_currencies(app, make_customer, customer_password):
    """The transfer form's "Amount that arrives" shows when the two accounts chosen are in
    different currencies (static/js/transfer-form.js), and the transfer holds both amounts."""
    user = make_customer("wechsel@example.com")
    checking = account_open(user=user, name="Checking", opening_balance=Decimal("1000.00"))
    account_open(user=user, name="Savings", kind="savings")
    euros = account_open(user=user, name="Euro account", currency="EUR")
    app.login(user.email, customer_password)
    app.goto("/transactions/transfer/new/")
    arrives = app.field("Amount that arrives")
    expect(arrives).to_be_hidden()
    app.select("From", "Checking")
    app.select("To", "Savings")
    expect(arrives).to_be_hidden()  # one currency: what arrives is what is sent
    app.select("To", "Euro account")
    expect(arrives).to_be_visible()
    app.field("Amount").fill("500.00")
    app.submit("Transfer")  # without what arrived: refused, the field stays in sight with its message
    expect(app.page.locator("#div_id_received_amount .invalid-feedback")).to_contain_text(
        "From USD to EUR: give the amount that arrives in EUR")
    app.field("Amount that arrives").fill("461.37")
    app.submit("Transfer")
    expect(app.success_message()).to_contain_text("461.37 EUR arrived in “Euro account”")
    checking.refresh_from_db()
    euros.refresh_from_db()
    assert (checking.balance, euros.balance) == (Decimal("500.00"), Decimal("461.37"))
