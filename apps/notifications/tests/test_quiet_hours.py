"""Quiet hours on the wall clock of the user's zone, across midnight and daylight-saving changes."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from apps.notifications.quiet_hours import quiet_until

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = {"start": time(22, 0), "end": time(7, 0), "zone": BERLIN}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("now, until", [
    # 23:30 CEST on the night the clocks go back (26 Oct 2025, 03:00 CEST -> 02:00 CET):
    # held until 07:00 CET = 06:00 UTC, nine and a half hours later.
    (utc(2025, 10, 25, 21, 30), utc(2025, 10, 26, 6, 0)),
    # 02:30 local, twice that night (first CEST, then CET): still 07:00 CET.
    (utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 6, 0)),
    (utc(2025, 10, 26, 1, 30), utc(2025, 10, 26, 6, 0)),
    # 23:30 CET on the night the clocks go forward (29 Mar 2026): 07:00 CEST = 05:00 UTC.
    (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 5, 0)),
    # After midnight, in the second half of the window: the same day's 07:00.
    (utc(2025, 12, 15, 2, 0), utc(2025, 12, 15, 6, 0)),
    # The start is inside the window.
    (utc(2025, 12, 15, 21, 0), utc(2025, 12, 16, 6, 0)),
])
def test_inside_a_window_across_midnight_it_is_held_until_the_local_end(now, until):
    assert quiet_until(now=now, **NIGHT) == until


@pytest.mark.parametrize("now", [
    utc(2025, 12, 15, 6, 0),  # 07:00 CET: the end is outside
    utc(2025, 12, 15, 12, 0),
    utc(2025, 12, 15, 20, 59),  # 21:59 CET
    utc(2025, 10, 26, 6, 0),  # 07:00 CET after the change
])
def test_outside_the_window_nothing_is_held(now):
    assert quiet_until(now=now, **NIGHT) is None


def test_a_window_within_one_day():
    lunch = {"start": time(12, 0), "end": time(14, 0), "zone": ZoneInfo("America/New_York")}
    assert quiet_until(now=utc(2025, 12, 15, 17, 30), **lunch) == utc(2025, 12, 15, 19, 0)
    assert quiet_until(now=utc(2025, 12, 15, 19, 0), **lunch) is None
    assert quiet_until(now=utc(2025, 12, 15, 16, 59), **lunch) is None


def test_an_end_the_clocks_skip_resolves_after_the_gap():
    # 01:00-02:30 on 29 Mar 2026 in Berlin: 02:30 does not exist (02:00 CET -> 03:00 CEST).
    window = {"start": time(1, 0), "end": time(2, 30), "zone": BERLIN}
    assert quiet_until(now=utc(2026, 3, 29, 0, 30), **window) == utc(2026, 3, 29, 1, 30)  # 03:30 CEST
