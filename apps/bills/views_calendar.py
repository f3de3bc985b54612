"""The month calendar of upcoming bills and income (``/bills/calendar/?month=YYYY-MM``)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from apps.core.dates import user_today
from apps.core.month_pages import month_from_query, month_nav

from .month_calendar import month_calendar

# The grid's column headings: (full name, abbreviation), Monday first.
WEEKDAYS = (
    (pgettext_lazy("weekday", "Monday"), pgettext_lazy("weekday abbreviation", "Mon")),
    (pgettext_lazy("weekday", "Tuesday"), pgettext_lazy("weekday abbreviation", "Tue")),
    (pgettext_lazy("weekday", "Wednesday"), pgettext_lazy("weekday abbreviation", "Wed")),
    (pgettext_lazy("weekday", "Thursday"), pgettext_lazy("weekday abbreviation", "Thu")),
    (pgettext_lazy("weekday", "Friday"), pgettext_lazy("weekday abbreviation", "Fri")),
    (pgettext_lazy("weekday", "Saturday"), pgettext_lazy("weekday abbreviation", "Sat")),
    (pgettext_lazy("weekday", "Sunday"), pgettext_lazy("weekday abbreviation", "Sun")),
)


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
