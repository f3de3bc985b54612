from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts import services
from apps.accounts.models import Account
from tests.factories import AccountFactory, CreditCardFactory, expense

pytestmark = pytest.mark.django_db


def test_account_update_changes_descriptive_fields_only():
    account = AccountFactory(opening_balance=Decimal("40.00"))
    updated = services.account_update(user=account.owner, account_id=account.pk, name=" Bills ",
                                      institution="New Bank", number_last4="9876")
    assert (updated.name, updated.institution, updated.number_last4, updated.balance) == (
        "Bills", "New Bank", "9876", Decimal("40.00"))


def test_account_update_does_not_undo_a_concurrent_posting():
    account = AccountFactory(opening_balance=Decimal("40.00"))
    stale = Account.objects.get(pk=account.pk)  # what an edit page loaded
    expense(account, "15.00")  # money moves meanwhile
    services.account_update(user=stale.owner, account_id=stale.pk, name="Renamed", number_last4="")
    assert Account.objects.get(pk=account.pk).balance == Decimal("25.00")


@pytest.mark.parametrize(("name", "last4"), [("", "1234"), ("ok", "12a4"), ("ok", "12345")])
def test_account_update_validates(name, last4):
    account = AccountFactory()
    with pytest.raises(ValidationError):
        services.account_update(user=account.owner, account_id=account.pk, name=name, number_last4=last4)
    account.refresh_from_db()
    assert account.number_last4 == "1234"


def test_account_update_of_another_users_account_is_not_found():
    mine, theirs = AccountFactory(), AccountFactory(name="Theirs")
    with pytest.raises(Account.DoesNotExist):
        services.account_update(user=mine.owner, account_id=theirs.pk, name="Hacked")
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_close_needs_a_zero_balance():
    account = AccountFactory(opening_balance=Decimal("10.00"))
    with pytest.raises(ValidationError, match="still holds 10.00 USD"):
        services.account_close(user=account.owner, account_id=account.pk)
    assert Account.objects.get(pk=account.pk).closed_on is None
    expense(account, "10.00")
    closed = services.account_close(user=account.owner, account_id=account.pk)
    assert closed.closed_on is not None
    with pytest.raises(ValidationError, match="already closed"):
        services.account_close(user=account.owner, account_id=account.pk)


def test_credit_card_owing_money_cannot_close():
    card = CreditCardFactory()
    expense(card, "5.00")
    with pytest.raises(ValidationError, match="still holds −5.00 USD"):
        services.account_close(user=card.owner, account_id=card.pk)


def test_close_of_another_users_account_is_not_found():
    mine, theirs = AccountFactory(), AccountFactory()
    with pytest.raises(Account.DoesNotExist):
        services.account_close(user=mine.owner, account_id=theirs.pk)
    assert Account.objects.get(pk=theirs.pk).closed_on is None


@pytest.mark.parametrize(("change", "constraint"), [
    ({"balance": Decimal("-0.01")}, "accounts_balance_non_negative"),
    ({"credit_limit": Decimal("100.00")}, "accounts_credit_limit_credit_card_only"),
    ({"closed_on": date(2025, 1, 2), "balance": Decimal("1.00")}, "accounts_closed_with_zero_balance"),
    ({"currency": "usd"}, "accounts_currency_iso4217"),
    ({"number_last4": "12"}, "accounts_last4_digits"),
])
def test_database_constraints_guard_accounts(change, constraint):
    account = AccountFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(**change)


def test_card_balance_floor_is_minus_the_limit_in_the_database():
    card = CreditCardFactory(credit_limit=Decimal("100.00"))
    with pytest.raises(IntegrityError, match="accounts_balance_within_credit_limit"), transaction.atomic():
        Account.objects.filter(pk=card.pk).update(balance=Decimal("-100.01"))
