"""The month calendar of upcoming bills and income (``/bills/calendar/?month=YYYY-MM``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render

from apps.core.dates import MAX_YEAR, MIN_YEAR, month_label, month_start, parse_month, shift_month, user_today

from .month_calendar import month_calendar

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def calendar_month(request):
    """One month (default: this month in the customer's time zone); a month that cannot be
    read falls back to this month with a message."""
    today = user_today(request.user)
    month = month_start(today)
    raw = request.GET.get("month", "").strip()
    if raw:
        try:
            month = parse_month(raw)
        except ValueError as error:
            messages.error(request, f"“{raw[:20]}” is not a month we can show: {error} "
                                    f"Showing {month:%B %Y} instead.")
    previous, following = shift_month(month, -1), shift_month(month, 1)
    return render(request, "bills/calendar.html", {
        "calendar": month_calendar(user=request.user, month=month, today=today),
        "weekdays": WEEKDAYS,
        "month_value": month_label(month),
        "previous_url": f"?month={month_label(previous)}" if previous.year >= MIN_YEAR else None,
        "next_url": f"?month={month_label(following)}" if following.year <= MAX_YEAR else None,
        "this_month_url": request.path if month != month_start(today) else None,
    })
