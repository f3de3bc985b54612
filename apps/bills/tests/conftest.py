from datetime import date
from decimal import Decimal

import pytest

from apps.bills import services
from apps.transactions.tests.ledger_checks import ledger_stays_consistent  # noqa: F401  (autouse)
from tests.factories import account, category

# tests.clock.NOW: 15 December 2025, 12:00 UTC.
TODAY = date(2025, 12, 15)


@pytest.fixture(autouse=True)
def _frozen_clock(request, time_machine):
    """Bills depend on "today": every test starts at tests.clock.NOW (15 December 2025, noon
    UTC), not ticking; a test moves on with ``time_machine.move_to``. A module that runs
    post_recurring in other processes keeps the real clock (``REAL_CLOCK = True``): those
    processes cannot share a moved one."""
    if getattr(request.module, "REAL_CLOCK", False):
        return
    from tests.clock import NOW

    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def checking(user):
    return account(user, "Checking", opening="1000.00")


@pytest.fixture
def savings(user):
    return account(user, "Savings", opening="0.00")


def make_bill(acct, *, name="Rent", amount="850.00", starts_on=TODAY, kind="bill", cat="rent", **kwargs):
    """A recurring item through the service (monthly by default), acting as the account's owner."""
    if kind != "transfer":
        kwargs.setdefault("category", category(cat))
    return services.recurring_create(user=acct.owner, kind=kind, name=name, amount=Decimal(amount),
                                     account_id=acct.pk, starts_on=starts_on, **kwargs)
