from datetime import date
from decimal import Decimal

import pytest

from apps.accounts import selectors
from apps.accounts.models import Account
from tests.factories import AccountFactory, CreditCardFactory, UserFactory, expense

pytestmark = pytest.mark.django_db


def test_totals_per_currency_in_one_query(django_assert_num_queries):
    user = UserFactory()
    AccountFactory(owner=user, opening_balance=Decimal("100.10"))
    AccountFactory(owner=user, opening_balance=Decimal("0.20"))
    card = CreditCardFactory(owner=user)
    expense(card, "50.00")
    AccountFactory(owner=user, currency="EUR", opening_balance=Decimal("7.00"))
    closed = AccountFactory(owner=user, currency="GBP")
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 2, 1))
    AccountFactory(opening_balance=Decimal("999.00"))  # someone else's
    with django_assert_num_queries(1):
        totals = selectors.account_totals_by_currency(user=user)
    assert totals == [
        {"currency": "EUR", "total": Decimal("7.00"), "accounts": 1},
        {"currency": "USD", "total": Decimal("50.30"), "accounts": 3},
    ]


def test_account_list_is_own_accounts_open_first():
    user = UserFactory()
    b = AccountFactory(owner=user, name="B")
    a = AccountFactory(owner=user, name="A")
    old = AccountFactory(owner=user, name="0 old")
    Account.objects.filter(pk=old.pk).update(closed_on=date(2025, 2, 1))
    AccountFactory()
    assert list(selectors.account_list(user=user)) == [a, b, old]
