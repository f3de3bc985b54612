"""The month calendar of upcoming bills and income (``/bills/calendar/?month=YYYY-MM``)."""

from __future__ import annotations

from django.shortcuts import render

from apps.core.dates import user_today
from apps.core.month_pages import month_from_query, month_nav

from .month_calendar import month_calendar

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def calendar_month(request):
    """One month (default: this month in the customer's time zone); a month that cannot be
    read falls back to this month with a message."""
    today = user_today(request.user)
    month = month_from_query(request, today=today)
    return render(request, "bills/calendar.html", {
        "calendar": month_calendar(user=request.user, month=month, today=today),
        "weekdays": WEEKDAYS,
        **month_nav(request, month=month, today=today),
    })
