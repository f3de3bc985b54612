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

from datetime import date, timedelta

from apps.core.dates import Window, add_months

WEEKLY, MONTHLY, QUARTERLY, YEARLY = "weekly", "monthly", "quarterly", "yearly"
MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}


def nth_period_start(*, period: str, start_date: date, n: int) -> date:
    if period == WEEKLY:
        return start_date + timedelta(days=7 * n)
    return add_months(start_date, n * MONTHS_PER_PERIOD[period])


def window_containing(*, period: str, start_date: date, day: date, extend_back: bool = False) -> Window:
    """The window of a budget (``period``, ``start_date``) that contains ``day``.
    Before the budget starts, that is its first window (it shows what is coming), or with
    ``extend_back`` the window the same rule gives before the start (a past month judged
    as if the budget had been there)."""
    if day < start_date and not extend_back:
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
