from datetime import date
from decimal import Decimal

import pytest

from apps.core.dates import parse_month
from apps.transactions.models import MonthlyTotal
from apps.transactions.selectors import (
    balance_mismatches,
    monthly_spending,
    monthly_total_mismatches,
    transaction_list,
)
from tests.factories import AccountFactory, UserFactory, expense, income, transfer

pytestmark = pytest.mark.django_db


def test_monthly_spending_is_one_query_and_counts_only_expenses(django_assert_num_queries):
    user = UserFactory()
    checking = AccountFactory(owner=user, opening_balance=Decimal("1000.00"))
    savings = AccountFactory(owner=user)
    expense(checking, "10.10", category="food", on=date(2025, 3, 1))
    expense(checking, "0.20", category="food", on=date(2025, 3, 31))
    expense(checking, "99.00", category="rent", on=date(2025, 3, 2))
    expense(checking, "5.00", category="food", on=date(2025, 4, 1))  # next month
    income(checking, "500.00", on=date(2025, 3, 5))  # income is not spending
    transfer(checking, savings, "50.00", on=date(2025, 3, 6))  # nor is a transfer
    expense(AccountFactory(opening_balance=Decimal("50.00")), "7.00", on=date(2025, 3, 3))  # other user
    with django_assert_num_queries(1):
        spending = monthly_spending(user=user, month=parse_month("2025-03"))
    assert spending.total == Decimal("109.30")
    assert spending.by_category == {"rent": Decimal("99.00"), "food": Decimal("10.30")}
    assert list(spending.by_category) == ["rent", "food"]  # largest first


def test_monthly_spending_after_deleting_everything_is_zero():
    from apps.transactions import services

    account = AccountFactory(opening_balance=Decimal("10.00"))
    entry = expense(account, "3.00", on=date(2025, 3, 3))
    services.transaction_delete(user=account.owner, transaction_id=entry.pk)
    spending = monthly_spending(user=account.owner, month=date(2025, 3, 1))
    assert (spending.total, spending.by_category) == (Decimal("0.00"), {})
    assert MonthlyTotal.objects.get(account=account).count == 0  # an empty bucket is not a mismatch
    assert monthly_total_mismatches() == []


@pytest.mark.parametrize("bad", ["2025-13", "2025-1", "25-01", "2025/01", "abcd-ef", "", "0000-01"])
def test_parse_month_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        parse_month(bad)


def test_transaction_list_is_own_rows_newest_first():
    account = AccountFactory()
    a = income(account, "1.00", on=date(2025, 1, 2))
    b = income(account, "1.00", on=date(2025, 1, 3))
    c = income(account, "1.00", on=date(2025, 1, 3))
    income(AccountFactory(), "1.00")
    assert [t.pk for t in transaction_list(user=account.owner)] == [c.pk, b.pk, a.pk]


def test_mismatch_selectors_are_one_query_each(django_assert_num_queries):
    for _ in range(3):
        account = AccountFactory(opening_balance=Decimal("10.00"))
        expense(account, "1.00")
    with django_assert_num_queries(1):
        assert balance_mismatches() == []
    with django_assert_num_queries(1):
        assert monthly_total_mismatches() == []
