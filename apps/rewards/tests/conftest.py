import pytest

from tests.factories import account


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    """Points depend on due dates and "today": every test starts at tests.clock.NOW (15
    December 2025, noon UTC), not ticking."""
    from tests.clock import NOW

    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def checking(user):
    return account(user, "Checking", opening="1000.00")
