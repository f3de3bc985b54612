import pytest

from apps.budgets.periods import month_window, user_today


@pytest.fixture
def today(db):
    """Today for a UTC user (the factories' time zone): budgets' current period is this month."""
    from apps.users.tests.factories import UserFactory

    return user_today(UserFactory.build())


@pytest.fixture
def this_month(today):
    return month_window(today)
