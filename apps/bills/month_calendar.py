"""The month calendar of bills, income and transfers: every date of the user's active items
in one month, with its state (paid, skipped, failed, or open: upcoming, due, overdue).

Two queries whatever the number of items: the items, then their stored occurrences in the
month; the other dates come from the schedules (in Python, no query).
"""

from __future__ import annotations

import calendar
import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apps.core.currencies import currency_order
from apps.core.dates import month_window

from .models import Occurrence, OccurrenceState, RecurringItem, RecurringKind, display_state
from .selectors import OccurrenceView
from .services import MAX_DATES_PER_RUN, dates_from

ZERO = Decimal("0.00")
Kind = RecurringKind
State = OccurrenceState


@dataclass(frozen=True)
class CalendarEntry:
    item: RecurringItem
    occurrence: OccurrenceView

    @property
    def day(self) -> date:
        return self.occurrence.due_on

    @property
    def sign(self) -> int:
        return {Kind.BILL: -1, Kind.INCOME: 1, Kind.TRANSFER: 0}[self.item.kind]


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    entries: list[CalendarEntry]


@dataclass(frozen=True)
class MonthTotals:
    currency: str
    bills: Decimal  # the month's bills, paid or to pay (skipped ones do not count)
    income: Decimal


@dataclass(frozen=True)
class MonthCalendar:
    month: date
    today: date
    weeks: list[list[CalendarDay]]  # Monday first; days of the months around are there, empty
    totals: list[MonthTotals]  # per currency, the default one first

    @property
    def days_with_entries(self) -> list[CalendarDay]:
        return [d for week in self.weeks for d in week if d.in_month and d.entries]

    @property
    def is_empty(self) -> bool:
        return not self.days_with_entries


def _computed_dates(item: RecurringItem, *, start: date, end: date, taken: set[date]) -> list[date]:
    """The schedule's dates in [start, end] from the cursor on with no stored occurrence."""
    if item.next_due_on is None or item.is_paused:
        return []
    first = max(item.next_due_on, start)
    days = itertools.takewhile(lambda d: d <= end, dates_from(item.schedule(), first))
    return [d for d in itertools.islice(days, MAX_DATES_PER_RUN) if d not in taken]


def month_calendar(*, user, month: date, today: date) -> MonthCalendar:
    window = month_window(month)
    items = list(RecurringItem.objects.filter(owner=user, is_active=True)
                 .select_related("account", "to_account").order_by("name", "pk"))
    stored = defaultdict(list)
    if items:
        for row in (Occurrence.objects.filter(item__in=items, due_on__gte=window.start, due_on__lte=window.end)
                    .order_by("due_on", "pk")):
            stored[row.item_id].append(row)
    by_day: dict[date, list[CalendarEntry]] = defaultdict(list)
    for item in items:
        rows = stored.get(item.pk, [])
        for row in rows:
            state = display_state(due_on=row.due_on, stored_state=row.state, today=today,
                                  automatic=item.is_automatic)
            by_day[row.due_on].append(CalendarEntry(item, OccurrenceView(row.due_on, row.amount, state, row)))
        for day in _computed_dates(item, start=window.start, end=window.end, taken={r.due_on for r in rows}):
            state = display_state(due_on=day, stored_state=State.UPCOMING, today=today, automatic=item.is_automatic)
            by_day[day].append(CalendarEntry(item, OccurrenceView(day, item.amount, state)))
    totals: dict[str, list[Decimal]] = {}
    for entries in by_day.values():
        for entry in entries:
            if entry.occurrence.state == State.SKIPPED or entry.sign == 0:
                continue
            bucket = totals.setdefault(entry.item.currency, [ZERO, ZERO])
            bucket[0 if entry.sign < 0 else 1] += entry.occurrence.amount
    weeks = [
        [CalendarDay(day=d, in_month=d.month == window.start.month, is_today=d == today,
                     entries=sorted(by_day.get(d, []), key=lambda e: (e.sign, e.item.name.lower(), e.item.pk))
                     if d.month == window.start.month else [])
         for d in week]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(window.start.year,
                                                                                      window.start.month)
    ]
    return MonthCalendar(
        month=window.start, today=today, weeks=weeks,
        totals=[MonthTotals(currency=c, bills=totals[c][0], income=totals[c][1])
                for c in currency_order(totals, user.default_currency)],
    )
