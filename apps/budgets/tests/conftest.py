import pytest

from apps.core.dates import month_window, user_today


@pytest.fixture(autouse=True)
def _frozen_clock(frozen_now):
    """Every budget test runs at tests.clock.NOW (15 December 2025, 12:00 UTC): the current
    period, "this month" and the services' today cannot change during a run."""


@pytest.fixture
def today(db, frozen_now):
    """Today for a UTC user (the factories' time zone): budgets' current period is this month."""
    from tests.factories import UserFactory

    return user_today(UserFactory.build())


@pytest.fixture
def this_month(today):
    return month_window(today)
