"""Repeating dates: one engine for budget periods, bills, recurring income and transfers.

A schedule is an anchor date and a frequency. Its n-th occurrence is counted from the
anchor, never from the previous occurrence, so a day of the month that a short month
lacks is clamped to that month's last day and comes back afterwards: monthly on the 31st
gives 31 Jan, 28 Feb (29 in a leap year), 31 Mar, 30 Apr, ... Twice a month is two such
series (for example the 1st and the 15th). An optional end date or number of occurrences
ends it. Dates are calendar dates: "today" is the customer's (apps.core.dates.user_today),
so a change of daylight-saving time moves nothing.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy

from .dates import add_months, month_end

WEEKLY, BIWEEKLY, SEMIMONTHLY, MONTHLY, QUARTERLY, YEARLY = (
    "weekly", "biweekly", "semimonthly", "monthly", "quarterly", "yearly",
)
FREQUENCIES = {
    WEEKLY: gettext_lazy("Weekly"), BIWEEKLY: gettext_lazy("Every 2 weeks"), SEMIMONTHLY: gettext_lazy("Twice a month"),
    MONTHLY: gettext_lazy("Monthly"), QUARTERLY: gettext_lazy("Quarterly"), YEARLY: gettext_lazy("Yearly"),
}
DAYS = {WEEKLY: 7, BIWEEKLY: 14}
MONTHS = {SEMIMONTHLY: 1, MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}
LAST_DATE = date(9999, 12, 31)


@dataclass(frozen=True)
class Schedule:
    frequency: str
    anchor: date  # the first occurrence
    day: int | None = None  # monthly and longer: day of the month (1..31, clamped); default the anchor's
    second_day: int | None = None  # twice a month: the other day of the month (1..31, clamped)
    until: date | None = None  # last possible date (inclusive)
    count: int | None = None  # number of occurrences

    def __post_init__(self):
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"Unknown frequency {self.frequency!r}.")
        for value in (self.day, self.second_day):
            if value is not None and not 1 <= value <= 31:
                raise ValueError("A day of the month is between 1 and 31.")
        if self.frequency == SEMIMONTHLY and self.second_day is None:
            raise ValueError("Twice a month needs its second day of the month.")
        if self.count is not None and self.count < 1:
            raise ValueError("The number of occurrences is at least 1.")

    def _series(self, day: int) -> Iterator[date]:
        """One monthly-or-longer series: the anchor's month, day ``day`` clamped, every k months."""
        step = MONTHS[self.frequency]
        first = _on_day(self.anchor, day)
        if first < self.anchor:  # that day of the anchor's month has passed: start a period later
            first = _on_day(add_months(self.anchor.replace(day=1), step), day)
        n = 0
        while True:
            try:
                yield _on_day(add_months(first.replace(day=1), n * step), day)
            except (OverflowError, ValueError):  # beyond year 9999
                return
            n += 1

    def _raw(self) -> Iterator[date]:
        if self.frequency in DAYS:
            step = timedelta(days=DAYS[self.frequency])
            current = self.anchor
            while True:
                yield current
                try:
                    current += step
                except OverflowError:
                    return
        day = self.day or self.anchor.day
        if self.frequency != SEMIMONTHLY:
            yield from self._series(day)
            return
        merged = heapq.merge(self._series(day), self._series(self.second_day))
        previous = None
        for current in merged:  # the 30th and the 31st are the same day in a 30-day month
            if current != previous:
                yield current
            previous = current

    def __iter__(self) -> Iterator[date]:
        for n, current in enumerate(self._raw()):
            if (self.count is not None and n >= self.count) or (self.until is not None and current > self.until):
                return
            yield current

    def between(self, start: date, end: date) -> list[date]:
        """The occurrences from ``start`` to ``end``, both included."""
        found = []
        for current in self:
            if current > end:
                break
            if current >= start:
                found.append(current)
        return found

    def next_on_or_after(self, day: date) -> date | None:
        for current in self:
            if current >= day:
                return current
        return None


def _on_day(month: date, day: int) -> date:
    """``day`` of ``month``'s month, clamped to its last day."""
    return month.replace(day=min(day, month_end(month).day))
