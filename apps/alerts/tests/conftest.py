import pytest


@pytest.fixture(autouse=True)
def _frozen_clock(frozen_now):
    """Alert times are written and compared with timezone.now(): every alert test runs at
    tests.clock.NOW (15 December 2025, 12:00 UTC, ticking), so "now", "2 days ago" and
    the dates shown stay the same whenever the suite runs."""
