from datetime import date

import pytest

from apps.budgets.periods import window_containing
from apps.core.dates import Window, add_months, month_window


def window(period, start, day):
    return window_containing(period=period, start_date=start, day=day)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 1, 31), Window(date(2025, 1, 31), date(2025, 2, 27))),
    (date(2025, 2, 27), Window(date(2025, 1, 31), date(2025, 2, 27))),
    (date(2025, 2, 28), Window(date(2025, 2, 28), date(2025, 3, 30))),
    (date(2025, 3, 30), Window(date(2025, 2, 28), date(2025, 3, 30))),
    (date(2025, 3, 31), Window(date(2025, 3, 31), date(2025, 4, 29))),
    (date(2025, 4, 30), Window(date(2025, 4, 30), date(2025, 5, 30))),
    (date(2025, 12, 31), Window(date(2025, 12, 31), date(2026, 1, 30))),
    (date(2026, 1, 30), Window(date(2025, 12, 31), date(2026, 1, 30))),
])
def test_monthly_from_the_31st_clamps_to_the_months_last_day(day, expected):
    assert window("monthly", date(2025, 1, 31), day) == expected


def test_monthly_from_the_31st_in_a_leap_year():
    start = date(2024, 1, 31)
    assert window("monthly", start, date(2024, 2, 28)) == Window(date(2024, 1, 31), date(2024, 2, 28))
    assert window("monthly", start, date(2024, 2, 29)) == Window(date(2024, 2, 29), date(2024, 3, 30))


def test_monthly_from_the_1st_is_the_calendar_month_across_the_year_end():
    start = date(2023, 1, 1)
    assert window("monthly", start, date(2024, 12, 31)) == Window(date(2024, 12, 1), date(2024, 12, 31))
    assert window("monthly", start, date(2025, 1, 1)) == Window(date(2025, 1, 1), date(2025, 1, 31))
    assert window("monthly", start, date(2024, 2, 15)) == Window(date(2024, 2, 1), date(2024, 2, 29))


def test_monthly_mid_month_start():
    start = date(2025, 3, 15)
    assert window("monthly", start, date(2025, 4, 14)) == Window(date(2025, 3, 15), date(2025, 4, 14))
    assert window("monthly", start, date(2025, 4, 15)) == Window(date(2025, 4, 15), date(2025, 5, 14))


def test_weekly_across_month_and_year_ends():
    start = date(2024, 12, 23)  # a Monday
    assert window("weekly", start, date(2024, 12, 29)) == Window(date(2024, 12, 23), date(2024, 12, 29))
    assert window("weekly", start, date(2024, 12, 30)) == Window(date(2024, 12, 30), date(2025, 1, 5))
    assert window("weekly", start, date(2025, 1, 5)) == Window(date(2024, 12, 30), date(2025, 1, 5))
    assert window("weekly", start, date(2025, 1, 31)) == Window(date(2025, 1, 27), date(2025, 2, 2))


def test_weekly_over_29_february():
    start = date(2024, 2, 26)
    assert window("weekly", start, date(2024, 2, 29)) == Window(date(2024, 2, 26), date(2024, 3, 3))


def test_quarterly_across_the_year_end_from_a_30th():
    start = date(2024, 11, 30)
    assert window("quarterly", start, date(2024, 12, 31)) == Window(date(2024, 11, 30), date(2025, 2, 27))
    assert window("quarterly", start, date(2025, 2, 28)) == Window(date(2025, 2, 28), date(2025, 5, 29))
    assert window("quarterly", start, date(2025, 5, 30)) == Window(date(2025, 5, 30), date(2025, 8, 29))


def test_quarterly_calendar_quarters():
    start = date(2024, 1, 1)
    assert window("quarterly", start, date(2024, 3, 31)) == Window(date(2024, 1, 1), date(2024, 3, 31))
    assert window("quarterly", start, date(2024, 4, 1)) == Window(date(2024, 4, 1), date(2024, 6, 30))
    assert window("quarterly", start, date(2025, 12, 31)) == Window(date(2025, 10, 1), date(2025, 12, 31))


def test_quarterly_containing_29_february():
    start = date(2023, 11, 29)
    assert window("quarterly", start, date(2024, 2, 28)) == Window(date(2023, 11, 29), date(2024, 2, 28))
    assert window("quarterly", start, date(2024, 2, 29)) == Window(date(2024, 2, 29), date(2024, 5, 28))


def test_yearly_from_29_february():
    start = date(2024, 2, 29)
    assert window("yearly", start, date(2024, 12, 31)) == Window(date(2024, 2, 29), date(2025, 2, 27))
    assert window("yearly", start, date(2025, 2, 28)) == Window(date(2025, 2, 28), date(2026, 2, 27))
    assert window("yearly", start, date(2028, 2, 28)) == Window(date(2027, 2, 28), date(2028, 2, 28))
    assert window("yearly", start, date(2028, 2, 29)) == Window(date(2028, 2, 29), date(2029, 2, 27))


def test_yearly_calendar_year():
    start = date(2020, 1, 1)
    assert window("yearly", start, date(2024, 12, 31)) == Window(date(2024, 1, 1), date(2024, 12, 31))
    assert window("yearly", start, date(2025, 1, 1)) == Window(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize("period", ["weekly", "monthly", "quarterly", "yearly"])
def test_before_the_start_the_first_window_applies(period):
    start = date(2026, 5, 10)
    assert window(period, start, date(2026, 1, 1)).start == start


@pytest.mark.parametrize("period", ["weekly", "monthly", "quarterly", "yearly"])
@pytest.mark.parametrize("start", [date(2024, 1, 31), date(2024, 2, 29), date(2023, 12, 30), date(2024, 8, 31)])
def test_windows_tile_the_calendar_without_gaps_or_overlaps(period, start):
    from datetime import timedelta

    day, previous = start, None
    while day < date(2026, 12, 31):
        current = window(period, start, day)
        assert day in current
        if previous is not None and current != previous:
            assert current.start == previous.end + timedelta(days=1)
        previous = current
        day += timedelta(days=1)


def test_add_months_and_month_window():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 31), 2) == date(2024, 3, 31)
    assert add_months(date(2024, 11, 30), -12) == date(2023, 11, 30)
    assert month_window(date(2024, 2, 10)) == Window(date(2024, 2, 1), date(2024, 2, 29))
    assert month_window(date(2025, 12, 1)) == Window(date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize(("period", "start", "day", "expected"), [
    ("weekly", date(2025, 12, 1), date(2025, 11, 30), (date(2025, 11, 24), date(2025, 11, 30))),
    ("monthly", date(2025, 12, 1), date(2025, 9, 30), (date(2025, 9, 1), date(2025, 9, 30))),
    ("monthly", date(2025, 12, 15), date(2025, 10, 14), (date(2025, 9, 15), date(2025, 10, 14))),
    ("quarterly", date(2026, 1, 1), date(2025, 11, 30), (date(2025, 10, 1), date(2025, 12, 31))),
    ("yearly", date(2026, 1, 1), date(2025, 6, 30), (date(2025, 1, 1), date(2025, 12, 31))),
])
def test_extend_back_gives_the_rules_window_before_the_start(period, start, day, expected):
    window = window_containing(period=period, start_date=start, day=day, extend_back=True)
    assert (window.start, window.end) == expected
    assert window_containing(period=period, start_date=start, day=day).start == start  # without: the first one
