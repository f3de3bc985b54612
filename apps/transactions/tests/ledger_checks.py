"""The ledger invariant, checked after every test of the accounts and transactions apps."""

import pytest

from apps.accounts.models import Account
from apps.transactions.selectors import balance_mismatches, daily_total_mismatches, monthly_total_mismatches


def assert_ledger_consistent():
    """Every stored balance equals its ledger sum, every monthly and daily total its rows, and no
    account is past its floor (0, or minus the credit limit)."""
    assert balance_mismatches() == []
    assert monthly_total_mismatches() == []
    assert daily_total_mismatches() == []
    for account in Account.objects.all():
        assert account.balance >= -account.credit_limit, account


@pytest.fixture(autouse=True)
def ledger_stays_consistent(db):
    # Depending on `db` orders this teardown before the database is rolled back or flushed
    # (a django_db(transaction=True) marker still makes the test transactional).
    yield
    assert_ledger_consistent()
