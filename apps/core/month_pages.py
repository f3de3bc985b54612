"""Pages shown one month at a time (the dashboard, the bills calendar): the ``?month=YYYY-MM``
they read and the navigation they draw with templates/_month_nav.html."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.utils.translation import gettext as _

from . import formats
from .dates import MAX_YEAR, MIN_YEAR, month_label, month_start, parse_month, shift_month


def month_from_query(request, *, today: date) -> date:
    """The first day of ``?month=``, or of ``today``'s month when there is none; a month that
    cannot be read falls back to this month, with a message that says why."""
    month = month_start(today)
    raw = request.GET.get("month", "").strip()
    if raw:
        try:
            month = parse_month(raw)
        except ValueError as error:
            messages.error(request, _("“%(value)s” is not a month we can show: %(reason)s Showing %(month)s instead.")
                           % {"value": raw[:20], "reason": error, "month": formats.format_month(month)})
    return month


def month_nav(request, *, month: date, today: date) -> dict:
    """The context of templates/_month_nav.html: previous and next month (within the years the
    pages show), the picker's value, and a way back to this month."""
    previous, following = shift_month(month, -1), shift_month(month, 1)
    return {
        "month_value": month_label(month),
        "previous_url": f"?month={month_label(previous)}" if previous.year >= MIN_YEAR else None,
        "next_url": f"?month={month_label(following)}" if following.year <= MAX_YEAR else None,
        "this_month_url": request.path if month != month_start(today) else None,
    }
