"""Dates as the customer lives them: "today" in their time zone, and month arithmetic.

Every service, selector and form asks here for "today for this user", and every month
shift, month window or ``YYYY-MM`` parse goes through these functions, so a fix to one
of them is a fix everywhere.
"""

from __future__ import annotations

import calendar
import re
import zoneinfo
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# Dates the pages and filters accept; Python's date covers 1..9999, and the month views
# need a month on each side of the one shown.
MIN_YEAR, MAX_YEAR = 1900, 9998
MONTH_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}")


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name) -> bool:
    """True for an IANA time zone name this machine knows ("Europe/Paris"), False for
    anything else ("Mars/Base", "", a path)."""
    return isinstance(name, str) and name in _all_zones()


def time_zone_choices() -> list[tuple[str, str]]:
    return sorted((tz, tz.replace("_", " ")) for tz in _all_zones())


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The user's time zone; a stored name that is not a zone (written around the form and
    the service) falls back to the site's zone rather than breaking every page."""
    name = getattr(user, "time_zone", None)
    if is_time_zone(name):
        return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def user_today(user) -> date:
    """Today where the user is, not where the server is."""
    return timezone.localdate(timezone=zone_of(user))


# ---------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    """A run of days, both ends included."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by ``months``, keeping its day of the month where the month has it
    (31 January + 1 month = 28 or 29 February)."""
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_month(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``month``'s."""
    return add_months(month_start(month), months)


def month_window(day: date) -> Window:
    """The calendar month that contains ``day``."""
    return Window(month_start(day), month_end(day))


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(value) -> date:
    """'YYYY-MM' (ASCII digits) -> the first day of that month, for a year the pages can
    show (MIN_YEAR..MAX_YEAR); ValueError with a message a customer understands."""
    if not isinstance(value, str) or not MONTH_FORMAT.fullmatch(value):
        raise ValueError(_("Use the form YYYY-MM, for example 2025-12."))
    year, month = int(value[:4]), int(value[5:])
    if not 1 <= month <= 12:
        raise ValueError(_("Use the form YYYY-MM, for example 2025-12."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("Choose a month between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR})
    return date(year, month, 1)


def in_date_range(day: date) -> bool:
    """A date the pages, filters and period arithmetic can work with."""
    return MIN_YEAR <= day.year <= MAX_YEAR
