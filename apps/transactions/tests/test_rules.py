"""The ledger's rules live in its services, whoever calls them (a form, an import, a shell):
dates, credit limits, transfer checks, unique account names, staff corrections."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import Account
from apps.transactions import services
from apps.transactions.models import Transaction
from tests.factories import SupportFactory, UserFactory, account, category, expense

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime(2025, 12, 15, 12, tzinfo=UTC), tick=False)


def test_an_entry_before_the_account_was_opened_is_refused():
    user = UserFactory()
    checking = account(user, opening="100.00", opened_on=date(2025, 6, 1))
    savings = account(user, "Savings", opened_on=date(2025, 9, 1))
    with pytest.raises(ValidationError, match="was opened on Jun 1, 2025"):
        expense(checking, "10.00", on=date(2025, 5, 31))
    with pytest.raises(ValidationError, match="“Savings” was opened on Sep 1, 2025"):
        services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk,
                                 amount=D("5.00"), occurred_on=date(2025, 8, 31))
    entry = expense(checking, "10.00", on=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="was opened on"):
        services.transaction_edit(user=user, transaction_id=entry.pk, amount=D("10.00"),
                                  occurred_on=date(2025, 1, 1))
    assert Transaction.objects.filter(owner=user, kind="expense").count() == 1
    checking.refresh_from_db()
    assert checking.balance == D("90.00")


def test_a_date_more_than_a_year_ahead_needs_a_yes():
    user = UserFactory()
    checking = account(user, opening="100.00")
    far = date(2027, 1, 1)
    with pytest.raises(ValidationError) as refused:
        expense(checking, "10.00", on=far)
    assert refused.value.error_dict["occurred_on"][0].code == "far_future"
    assert expense(checking, "10.00", on=date(2026, 12, 15)).occurred_on == date(2026, 12, 15)  # within a year
    assert expense(checking, "10.00", on=far, confirm_far_future=True).occurred_on == far


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(9999, 12, 31)])
def test_dates_outside_the_years_the_pages_show_are_refused(day):
    user = UserFactory()
    checking = account(user, opening="100.00", opened_on=date(1, 1, 1))
    with pytest.raises(ValidationError, match="between the years 1900 and 9998"):
        expense(checking, "1.00", on=day, confirm_far_future=True)


def test_the_form_asks_for_the_yes_and_keeps_what_was_typed(client):
    user = UserFactory()
    client.force_login(user)
    checking = account(user, opening="100.00")
    data = {"account": checking.pk, "amount": "10.00", "category": category("food").pk, "occurred_on": "2027-03-01",
            "description": "Deposit for the flat", "form_token": "8d3f2a4e-1b7c-4e0a-9f1d-2c3b4a5d6e7f"}
    response = client.post(reverse("transactions:expense"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "more than a year from today" in page
    assert 'type="checkbox" name="confirm_far_future"' in page and 'value="Deposit for the flat"' in page
    assert not Transaction.objects.filter(kind="expense").exists()
    response = client.post(reverse("transactions:expense"), {**data, "confirm_far_future": "on"})
    assert response.status_code == 302
    assert Transaction.objects.get(kind="expense").occurred_on == date(2027, 3, 1)


def test_a_credit_limit_only_on_a_credit_card_and_never_negative():
    user = UserFactory()
    with pytest.raises(ValidationError, match="Only credit cards have a credit limit"):
        services.account_open(user=user, name="Checking", credit_limit=D("100.00"))
    with pytest.raises(ValidationError):
        services.account_open(user=user, name="Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("-1.00"))
    assert not Account.objects.filter(owner=user).exists()


@pytest.mark.parametrize("code", ["usd", "XYZ", "ÄÖÜ", "US"])
def test_an_account_currency_is_an_iso_code(code):
    user = UserFactory()
    if code == "usd":
        assert services.account_open(user=user, name="Checking", currency=code).currency == "USD"
        return
    with pytest.raises(ValidationError, match="ISO 4217"):
        services.account_open(user=user, name="Checking", currency=code)


def test_account_names_are_unique_per_customer_ignoring_case():
    user, other = UserFactory(), UserFactory()
    first = account(user, "My checking")
    with pytest.raises(ValidationError, match="already have an account called “MY  checking”".replace("  ", " ")):
        account(user, "MY  checking")
    assert account(other, "My checking").name == "My checking"
    second = account(user, "Savings")
    from apps.accounts.services import account_update

    with pytest.raises(ValidationError, match="already have an account"):
        account_update(user=user, account_id=second.pk, name="my checking")
    assert account_update(user=user, account_id=first.pk, name="My Checking").name == "My Checking"


def test_the_transfer_checks_are_the_services():
    user = UserFactory()
    usd = account(user, opening="100.00")
    eur = account(user, "Euro", currency="EUR")
    with pytest.raises(ValidationError, match="two different accounts"):
        services.transfer_create(user=user, from_account_id=usd.pk, to_account_id=usd.pk, amount=D("1.00"),
                                 occurred_on=date(2025, 12, 1))
    with pytest.raises(ValidationError, match="give the amount that arrives in EUR"):
        services.transfer_create(user=user, from_account_id=usd.pk, to_account_id=eur.pk, amount=D("1.00"),
                                 occurred_on=date(2025, 12, 1))


def test_a_customer_cannot_change_a_staff_correction_even_bypassing_the_view():
    user = UserFactory()
    checking = account(user, opening="100.00")
    correction = services.adjustment_post(staff_user=SupportFactory(), account_id=checking.pk, amount=D("-5.00"),
                                          reason="Bank fee refund reversed")
    assert not services.entry_is_changeable(correction)
    with pytest.raises(ValidationError, match="correction made by our staff"):
        services.transaction_edit(user=user, transaction_id=correction.pk, amount=D("1.00"),
                                  occurred_on=correction.occurred_on)
    with pytest.raises(ValidationError, match="correction made by our staff"):
        services.transaction_delete(user=user, transaction_id=correction.pk)
    checking.refresh_from_db()
    assert checking.balance == D("95.00")


def test_corrections_and_default_opening_dates_are_the_owners_today():
    # 23:30 UTC on 15 December is already 16 December in Tokyo.
    with time_machine.travel(datetime(2025, 12, 15, 23, 30, tzinfo=UTC), tick=False):
        owner = UserFactory(time_zone="Asia/Tokyo")
        opened = services.account_open(user=owner, name="Checking", opening_balance=D("10.00"))
        assert opened.opened_on == date(2025, 12, 16)
        row = services.adjustment_post(staff_user=SupportFactory(time_zone="America/Los_Angeles"),
                                       account_id=opened.pk, amount=D("1.00"), reason="Goodwill")
        assert row.occurred_on == date(2025, 12, 16)
