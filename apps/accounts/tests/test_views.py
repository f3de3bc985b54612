from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.models import Account
from apps.transactions.models import Transaction
from tests.factories import AccountFactory, expense, income
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_list_empty_state(logged_in):
    html = logged_in.get(reverse("accounts:list")).content.decode()
    assert "No accounts yet" in html
    assert reverse("accounts:create") in html


def test_list_shows_own_accounts_and_totals_per_currency(logged_in, user):
    AccountFactory(owner=user, name="Checking", opening_balance=Decimal("1234.50"))
    AccountFactory(owner=user, name="Savings", opening_balance=Decimal("10.00"))
    AccountFactory(owner=user, name="Euro", currency="EUR", opening_balance=Decimal("5.00"))
    AccountFactory(name="Someone else's", opening_balance=Decimal("99.00"))
    response = logged_in.get(reverse("accounts:list"))
    html = response.content.decode()
    assert [a.name for a in response.context["page_obj"]] == ["Checking", "Euro", "Savings"]
    assert "Someone else" not in html
    assert "1,244.50 USD" in html and "5.00 EUR" in html
    assert '<td class="money ">1,234.50 USD</td>' in html
    assert "•••• 1234" in html
    assert 'class="table-responsive"' in html


def test_create_with_full_number_and_opening_balance(logged_in, user):
    data = {"name": "Everyday", "institution": "Bank", "account_number": "1234 5678 9012", "kind": "checking",
            "currency": "usd", "opening_balance": "250.00", "credit_limit": "", "opened_on": "2025-01-03"}
    response = logged_in.post(reverse("accounts:create"), data)
    account = Account.objects.get(owner=user)
    assert response.status_code == 302 and response.url == reverse("accounts:detail", args=[account.pk])
    assert (account.number_last4, account.currency, account.balance) == ("9012", "USD", Decimal("250.00"))
    opening = Transaction.objects.get(account=account)
    assert (opening.kind, opening.amount, opening.occurred_on) == ("opening", Decimal("250.00"), date(2025, 1, 3))
    assert messages_of(response) == ["Account “Everyday” opened with 250.00 USD."]
    assert "123456789012" not in str(Account.objects.values().get(pk=account.pk))


def test_create_credit_card_with_limit(logged_in, user):
    data = {"name": "Visa", "kind": "credit_card", "currency": "USD", "credit_limit": "1500.00",
            "opened_on": "2025-01-03", "account_number": "4321"}
    assert logged_in.post(reverse("accounts:create"), data).status_code == 302
    card = Account.objects.get(owner=user)
    assert (card.credit_limit, card.balance) == (Decimal("1500.00"), Decimal("0.00"))


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"credit_limit": "100.00"}, "credit_limit", "Only credit cards"),
    ({"opening_balance": "-5"}, "opening_balance", "cannot be negative"),
    ({"opening_balance": "10000000000000"}, "opening_balance", "too large"),
    ({"opening_balance": "1.234"}, "opening_balance", "two decimal places"),
    ({"account_number": "12"}, "account_number", "four digits"),
    ({"currency": "EU"}, "currency", "ISO 4217"),
    ({"currency": "XYZ"}, "currency", "ISO 4217"),
    ({"currency": "ÄÖÜ"}, "currency", "ISO 4217"),
    ({"opening_balance": "12,50"}, "opening_balance", "12,50: use 12.50"),
    ({"opening_balance": "1e3"}, "opening_balance", "for example 12.50"),
    ({"opened_on": "2025-02-30"}, "opened_on", "real date"),
])
def test_create_errors_keep_the_input_and_write_nothing(logged_in, change, field, message):
    data = {"name": "Typed name", "kind": "checking", "currency": "USD", "opening_balance": "10.00",
            "opened_on": "2025-01-03", "account_number": ""}
    data.update(change)
    response = logged_in.post(reverse("accounts:create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Typed name"' in response.content.decode()
    assert not Account.objects.exists() and not Transaction.objects.exists()
    assert "Please correct the errors below." in messages_of(response)


def test_detail_lists_the_accounts_transactions_paginated(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=Decimal("10.00"))
    other = AccountFactory(owner=user)
    for day in range(1, 30):
        income(account, "1.00", on=date(2025, 2, day if day <= 28 else 28))
    income(other, "7.00", description="elsewhere")
    response = logged_in.get(reverse("accounts:detail", args=[account.pk]))
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert all(t.account_id == account.pk for t in page.object_list)
    assert "39.00 USD" in response.content.decode()
    assert "elsewhere" not in response.content.decode()


def test_edit_changes_name_and_number_never_balance(logged_in, user):
    account = AccountFactory(owner=user, opening_balance=Decimal("10.00"))
    response = logged_in.get(reverse("accounts:update", args=[account.pk]))
    assert response.context["form"].initial["account_number"] == "1234"
    response = logged_in.post(reverse("accounts:update", args=[account.pk]), {
        "name": "Renamed", "institution": "Other", "account_number": "9999 8888", "balance": "1000000.00"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.name, account.institution, account.number_last4, account.balance) == (
        "Renamed", "Other", "8888", Decimal("10.00"))
    assert messages_of(response) == ["Account “Renamed” saved."]


def test_close_flow(logged_in, user):
    account = AccountFactory(owner=user, name="Old", opening_balance=Decimal("10.00"))
    page = logged_in.get(reverse("accounts:close", args=[account.pk])).content.decode()
    assert "zero balance" in page and "Yes, close" not in page
    response = logged_in.post(reverse("accounts:close", args=[account.pk]))
    assert response.status_code == 200
    assert any("still holds 10.00 USD" in m for m in messages_of(response))
    assert Account.objects.get(pk=account.pk).closed_on is None
    expense(account, "10.00")
    assert "Yes, close the account" in logged_in.get(reverse("accounts:close", args=[account.pk])).content.decode()
    response = logged_in.post(reverse("accounts:close", args=[account.pk]))
    assert response.status_code == 302
    assert Account.objects.get(pk=account.pk).closed_on is not None
    assert messages_of(response) == ["Account “Old” closed."]
