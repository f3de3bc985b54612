"""Budget period windows: pure date arithmetic, no database.

Rule: a budget's n-th window starts ``n`` periods after its start date. Months are
counted from the start date itself ("same day of the month, clamped to the month's
last day"), never from the previous window, so a monthly budget starting on 31 January
has windows 31 Jan–27 Feb, 28 Feb–30 Mar, 31 Mar–29 Apr, 30 Apr–30 May, ... (in a leap
year 31 Jan–28 Feb, 29 Feb–30 Mar, ...), and a yearly budget starting on 29 February
2024 has windows starting 28 Feb 2025, 28 Feb 2026, 28 Feb 2027, 29 Feb 2028.
A window ends the day before the next one starts (``end`` is inclusive).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

WEEKLY, MONTHLY, QUARTERLY, YEARLY = "weekly", "monthly", "quarterly", "yearly"
MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by ``months``, keeping its day of the month where the month has it."""
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def nth_period_start(*, period: str, start_date: date, n: int) -> date:
    if period == WEEKLY:
        return start_date + timedelta(days=7 * n)
    return add_months(start_date, n * MONTHS_PER_PERIOD[period])


def window_containing(*, period: str, start_date: date, day: date) -> Window:
    """The window of a budget (``period``, ``start_date``) that contains ``day``.
    Before the budget starts, that is its first window (it shows what is coming)."""
    if day < start_date:
        n = 0
    elif period == WEEKLY:
        n = (day - start_date).days // 7
    else:
        months = (day.year - start_date.year) * 12 + day.month - start_date.month
        n = months // MONTHS_PER_PERIOD[period]
        # Same month, but the day of the month is not reached yet: still the previous window.
        if nth_period_start(period=period, start_date=start_date, n=n) > day:
            n -= 1
    start = nth_period_start(period=period, start_date=start_date, n=n)
    end = nth_period_start(period=period, start_date=start_date, n=n + 1) - timedelta(days=1)
    return Window(start, end)


def month_window(month: date) -> Window:
    """The calendar month that contains ``month``."""
    first = month.replace(day=1)
    return Window(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]))


def user_today(user) -> date:
    """Today in the user's own time zone: it decides which period is the current one."""
    return timezone.localdate(timezone=user.zoneinfo)
