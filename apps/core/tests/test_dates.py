"""Today for the user, month arithmetic, and the months the pages accept."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from apps.core.dates import (
    add_months,
    is_time_zone,
    month_end,
    month_window,
    parse_month,
    shift_month,
    user_today,
    zone_of,
)


class Someone:
    def __init__(self, time_zone):
        self.time_zone = time_zone


@time_machine.travel(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), tick=False)
def test_today_is_the_users_not_the_servers():
    assert user_today(Someone("UTC")) == date(2025, 12, 31)
    assert user_today(Someone("Asia/Tokyo")) == date(2026, 1, 1)
    assert user_today(Someone("America/Los_Angeles")) == date(2025, 12, 31)


@time_machine.travel(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), tick=False)
def test_a_bad_stored_zone_falls_back_to_the_sites_zone_instead_of_failing(settings):
    settings.TIME_ZONE = "UTC"
    for bad in ("Mars/Base", "", None, "../etc/passwd"):
        assert zone_of(Someone(bad)).key == "UTC"
        assert user_today(Someone(bad)) == date(2025, 12, 31)


def test_time_zone_names():
    assert is_time_zone("Europe/Paris") and is_time_zone("UTC")
    assert not any(is_time_zone(v) for v in ("Mars/Base", "", None, 42, "europe/paris"))


@pytest.mark.parametrize(("anchor", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
    (date(2025, 1, 15), -1, date(2024, 12, 15)),
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
])
def test_add_months_clamps_to_the_months_last_day(anchor, months, expected):
    assert add_months(anchor, months) == expected


def test_month_helpers():
    assert shift_month(date(2025, 12, 20), 1) == date(2026, 1, 1)
    assert shift_month(date(2025, 1, 31), -1) == date(2024, 12, 1)
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert month_window(date(2025, 4, 9)) == (month_window(date(2025, 4, 30)))
    april = month_window(date(2025, 4, 1))
    assert date(2025, 4, 30) in april and date(2025, 5, 1) not in april


@pytest.mark.parametrize("bad", ["9999-12", "0000-01", "0001-01", "2025-13", "2025-00", "２０２５-０６", "2025-1",
                                 "2025/06", "", "25-06", None])
def test_parse_month_refuses_what_the_pages_cannot_show(bad):
    with pytest.raises(ValueError):
        parse_month(bad)


def test_parse_month():
    assert parse_month("2025-06") == date(2025, 6, 1)
    assert parse_month("1900-01") == date(1900, 1, 1)
    assert parse_month("9998-12") == date(9998, 12, 1)
