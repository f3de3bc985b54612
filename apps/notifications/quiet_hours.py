"""Quiet hours: is a moment inside a user's daily window, and when does the window end.

Computed on the wall clock of the user's time zone with zoneinfo, so a window keeps its local
times across a daylight-saving change (22:00-07:00 ends at 07:00 local on the night the clocks
go back, nine and a half hours after 23:30, not eight and a half)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def wall_time(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (in UTC) when the clocks in ``zone`` show ``day`` ``at``. A time the clocks
    skip (02:30 on a spring-forward night) resolves forward by the gap (03:30); a time they show
    twice (on the fall-back night) is the first of the two."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def quiet_until(*, now: datetime, start: time, end: time, zone: ZoneInfo) -> datetime | None:
    """When the quiet window that contains ``now`` ends (UTC), or None if ``now`` is outside it.
    ``start`` after ``end`` is a window across midnight; the start is inside, the end is not."""
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        if not start <= clock < end:
            return None
        end_day = local.date()
    else:
        if end <= clock < start:
            return None
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    return wall_time(end_day, end, zone)
