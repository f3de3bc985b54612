"""Reads of bills and recurring money, scoped by owner. The list page is one query whatever
the number of items: each item's earliest open stored date comes from subqueries, later
dates from its schedule (in Python, no query)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from apps.core.dates import user_today
from apps.transactions.models import Transaction

from .models import OPEN_STATES, Occurrence, OccurrenceState, RecurringItem, display_state
from .services import MAX_DATES_PER_RUN, dates_from

State = OccurrenceState
# Suggested matches for "mark paid": entries this many days either side of the due date.
MATCH_DAYS = 5
MAX_MATCHES = 10
UPCOMING_SHOWN = 3
HISTORY_SHOWN = 24
BADGES = {
    State.UPCOMING: "text-bg-light border", State.DUE: "text-bg-warning", State.OVERDUE: "text-bg-danger",
    State.FAILED: "text-bg-danger", State.PAID: "text-bg-success", State.SKIPPED: "text-bg-secondary",
}


@dataclass(frozen=True)
class OccurrenceView:
    """One date of an item as the pages show it."""

    due_on: date
    amount: Decimal
    state: str  # a display state: upcoming, due, overdue, paid, skipped, failed
    stored: Occurrence | None = None

    @property
    def is_open(self) -> bool:
        return self.state in (State.UPCOMING, State.DUE, State.OVERDUE, State.FAILED)

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def badge(self) -> str:
        """Bootstrap badge classes for the state."""
        return BADGES[self.state]


@dataclass(frozen=True)
class RecurringRow:
    """An item on the list page, with its current occurrence: the earliest date not paid or
    skipped (an overdue or failed one before the next upcoming one); None once it ended."""

    item: RecurringItem
    current: OccurrenceView | None
    past_open: int  # open dates before today (overdue bills, failed or not yet posted payments)

    @property
    def more_overdue(self) -> int:
        return max(self.past_open - 1, 0)

    @property
    def to_pay(self) -> bool:
        """The current payment waits for the customer to mark it paid: a bill paid by hand, or
        an automatic payment that failed. Not while paused."""
        current = self.current
        return current is not None and not self.item.is_paused and (
            not self.item.is_automatic or current.state == "failed")


def _backlog(item: RecurringItem, today: date) -> list[date]:
    """Past dates after the cursor: not stored yet (post_recurring has not run since)."""
    if item.next_due_on is None or item.next_due_on >= today:
        return []
    return list(itertools.islice(itertools.takewhile(lambda d: d < today, dates_from(item.schedule(),
                                                                                      item.next_due_on)),
                                 MAX_DATES_PER_RUN))


def recurring_list(*, user, today: date | None = None) -> list[RecurringRow]:
    """The user's active items, soonest current date first, then by name; one query."""
    today = today or user_today(user)
    open_rows = Occurrence.objects.filter(item=OuterRef("pk"), state__in=OPEN_STATES).order_by("due_on")
    past_open = (Occurrence.objects.filter(item=OuterRef("pk"), state__in=OPEN_STATES, due_on__lt=today)
                 .values("item").annotate(n=Count("pk")).values("n"))
    items = (
        RecurringItem.objects.filter(owner=user, is_active=True)
        .select_related("account", "to_account", "category")
        .annotate(open_due_on=Subquery(open_rows.values("due_on")[:1]),
                  open_state=Subquery(open_rows.values("state")[:1]),
                  open_amount=Subquery(open_rows.values("amount")[:1]),
                  past_open=Coalesce(Subquery(past_open, output_field=IntegerField()), Value(0)))
    )
    rows = []
    for item in items:
        backlog = _backlog(item, today)
        candidates = []
        if item.open_due_on is not None:
            candidates.append((item.open_due_on, item.open_amount, item.open_state))
        if item.next_due_on is not None:
            candidates.append((item.next_due_on, item.amount, State.UPCOMING))
        current = None
        if candidates:
            due_on, amount, stored_state = min(candidates, key=lambda c: c[0])
            current = OccurrenceView(due_on=due_on, amount=amount, state=display_state(
                due_on=due_on, stored_state=stored_state, today=today, automatic=item.is_automatic))
        rows.append(RecurringRow(item=item, current=current, past_open=item.past_open + len(backlog)))
    rows.sort(key=lambda r: (r.current is None, r.current.due_on if r.current else date.max, r.item.name.lower(),
                             r.item.pk))
    return rows


def occurrence_view(*, item: RecurringItem, due_on: date, today: date | None = None) -> OccurrenceView | None:
    """``item``'s date ``due_on``, stored or computed; None if the schedule has no such date."""
    today = today or user_today(item.owner)
    stored = Occurrence.objects.filter(item=item, due_on=due_on).select_related("transaction").first()
    if stored is not None:
        state = display_state(due_on=due_on, stored_state=stored.state, today=today, automatic=item.is_automatic)
        return OccurrenceView(due_on=due_on, amount=stored.amount, state=state, stored=stored)
    if item.next_due_on is None or due_on < item.next_due_on:
        return None
    if due_on not in itertools.takewhile(lambda d: d <= due_on, dates_from(item.schedule(), item.next_due_on)):
        return None
    return OccurrenceView(due_on=due_on, amount=item.amount, state=display_state(
        due_on=due_on, stored_state=State.UPCOMING, today=today, automatic=item.is_automatic))


def occurrence_matches(*, user, item: RecurringItem, due_on: date, amount: Decimal) -> list[Transaction]:
    """Expenses that may be this payment, closest date first: on the item's account, with
    the payee in the description (any case), the amount within the estimate's range (or
    equal to a fixed amount), dated within MATCH_DAYS of the due date, and paying no
    other bill yet."""
    low, high = (item.amount_min, item.amount_max) if item.is_estimated else (amount, amount)
    linked = Occurrence.objects.filter(transaction=OuterRef("pk"))
    candidates = (
        Transaction.objects.filter(
            owner=user, account_id=item.account_id, kind=Transaction.Kind.EXPENSE,
            description__icontains=item.name, amount__gte=low, amount__lte=high,
            occurred_on__gte=due_on - timedelta(days=MATCH_DAYS), occurred_on__lte=due_on + timedelta(days=MATCH_DAYS),
        )
        .exclude(Exists(linked))
        .select_related("account", "category")
        .order_by("occurred_on", "pk")[:MAX_MATCHES * 2]
    )
    return sorted(candidates, key=lambda t: (abs((t.occurred_on - due_on).days), t.occurred_on, t.pk))[:MAX_MATCHES]


def occurrence_history(*, item: RecurringItem, today: date | None = None) -> list[OccurrenceView]:
    """The item's stored dates, newest first (paid, skipped, failed, and open ones)."""
    today = today or user_today(item.owner)
    rows = Occurrence.objects.filter(item=item).select_related("transaction").order_by("-due_on")[:HISTORY_SHOWN]
    return [OccurrenceView(due_on=o.due_on, amount=o.amount, stored=o, state=display_state(
        due_on=o.due_on, stored_state=o.state, today=today, automatic=item.is_automatic)) for o in rows]


def upcoming_dates(*, item: RecurringItem, today: date | None = None, limit: int = UPCOMING_SHOWN) -> list[date]:
    """The next computed dates (from the cursor and from today on)."""
    today = today or user_today(item.owner)
    if item.next_due_on is None:
        return []
    return list(itertools.islice(dates_from(item.schedule(), max(item.next_due_on, today)), limit))


def edit_initial(*, item: RecurringItem, today: date | None = None) -> dict:
    """The edit form's values: the schedule from its next date today or later, and the
    payments left from there (an edit starts the schedule again from that date)."""
    today = today or user_today(item.owner)
    start = next(dates_from(item.schedule(), today), None)
    count = None
    if item.count is not None:
        count = sum(1 for _ in dates_from(item.schedule(), start)) if start is not None else None
    return {
        "name": item.name, "amount": item.amount, "amount_min": item.amount_min, "amount_max": item.amount_max,
        "account": item.account_id, "to_account": item.to_account_id, "category": item.category_id,
        "frequency": item.frequency, "starts_on": start or today, "day": item.day, "second_day": item.second_day,
        "until": item.until, "count": count, "autopay": item.autopay, "remind_days": item.remind_days,
    }
