"""The forecast: each account's projected daily balance from its bills, recurring income
and recurring transfers, and what is safe to spend until the next income.

Two layers
----------
- ``project`` is a pure function: a balance today, a list of dated, signed events and
  optionally an average daily spending -> one point per day. The tests check it against
  figures computed by hand.
- The selectors (``account_forecast``, ``account_forecasts``) read the accounts, their active
  recurring items and those items' stored occurrences in a constant number of queries
  (whatever the number of items or days), and expand the schedules in Python
  (apps.core.schedules).

How the days are counted
------------------------
The series starts today from the balance now (every entry recorded, whatever its date) and
has one point per day through ``today + days``: the balance at the end of that day, after
that day's scheduled money. A transfer between two accounts is money out of one and into the
other. Open dates before today (an overdue bill, a failed autopay, an automatic payment the
next ``post_recurring`` run will post) are still to come: they count today. Paid and skipped
dates are history (the ledger has them, or they will not happen); a paused item counts nothing
until it is resumed (its dates that pass meanwhile are skipped). An estimated bill counts its
expected amount.

Safe to spend
-------------
``balance + credit limit - buffer - scheduled money out before the next income``, where the
next income is the first money in (an income or a transfer in) from today; money out on the
day of the income is met by it (days are counted whole). The next income is looked for over
at least ``LOOKAHEAD_DAYS``, so the figure does not depend on how many days a chart shows.
Without an income in that time, every payment in it counts. The buffer (``Account.
forecast_buffer``) is what the customer wants to keep; a credit card may go down to minus its
limit, so its floor is ``buffer - credit limit``.

The estimate
------------
Optionally, the account's average daily spending that is not a bill (the mean, per day, of
the last ``ESTIMATE_DAYS`` days' expenses not linked to a bill's payment) is taken off every
day from tomorrow on, in a second series. It is an estimate and always labelled as one; the
lowest point, safe to spend and the alerts use the scheduled money only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.db import column, table
from apps.core.formats import format_day
from apps.core.money import format_money
from apps.transactions.models import Transaction

from .models import OPEN_STATES, Occurrence, RecurringItem, RecurringKind
from .services import dates_from

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DEFAULT_DAYS = 30
DAY_CHOICES = (30, 60, 90)
MAX_DAYS = 365
# The next income (and so safe to spend) is looked for at least this far ahead.
LOOKAHEAD_DAYS = 90
ESTIMATE_DAYS = 90
# Past dates of one schedule not stored yet (post_recurring has not run for a long time):
# counted today, but no more than this many per item.
MAX_BACKLOG = 366

Kind = RecurringKind
MONEY_IN = "in"
MONEY_OUT = "out"


# ---------------------------------------------------------------------------
# The pure part
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """Scheduled money on an account: one date of a recurring item."""

    day: date  # when the projection counts it (today for an open date already past)
    amount: Decimal  # signed: + money in, - money out
    label: str  # the item's name
    item_id: int | None = None
    due_on: date | None = None  # the occurrence's own date (before ``day`` when overdue)
    kind: str = ""  # "bill", "income", "transfer_in", "transfer_out"
    estimated: bool = False  # an estimated bill, counted at its expected amount

    @property
    def is_money_in(self) -> bool:
        return self.amount > 0

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.day


@dataclass(frozen=True)
class Point:
    """The balance at the end of one day, and the scheduled money of that day."""

    day: date
    balance: Decimal
    events: tuple[Event, ...] = ()
    estimated_balance: Decimal | None = None  # with the average daily spending taken off

    @property
    def money_out(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if not e.is_money_in)


@dataclass(frozen=True)
class LowPoint:
    day: date
    balance: Decimal
    after: Event | None  # the largest money out of the last day with any, up to ``day``


@dataclass(frozen=True)
class Crossing:
    """A day the projected balance goes below the floor, and the payment that takes it there."""

    day: date
    balance: Decimal
    culprit: Event


def _event_order(event: Event):
    # Within a day, money out first, biggest first, then money in: only the end of the day is shown.
    return (event.day, event.is_money_in, event.amount if not event.is_money_in else -event.amount, event.label,
            event.item_id or 0)


def project(*, balance: Decimal, today: date, days: int, events: Iterable[Event],
            daily_spending: Decimal | None = None) -> list[Point]:
    """One point per day from ``today`` through ``today + days``: the balance at the end of
    the day after the day's events. Events before today count today; after the last day,
    nothing. With ``daily_spending``, each point also has ``estimated_balance``: the balance
    less ``daily_spending`` for each day after today."""
    end = today + timedelta(days=days)
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        day = max(event.day, today)
        if day <= end:
            by_day[day].append(event if day == event.day else replace(event, day=day))
    points = []
    running = balance
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        todays = ()
        if day in by_day:  # most days have no event: no sort, no sum
            todays = tuple(sorted(by_day[day], key=_event_order))
            running += sum((e.amount for e in todays), ZERO)
        estimated = None if daily_spending is None else running - daily_spending * offset
        points.append(Point(day=day, balance=running, events=todays, estimated_balance=estimated))
    return points


def _last_money_out(points: list[Point], upto: int) -> Event | None:
    for point in reversed(points[:upto + 1]):
        if point.money_out:
            return min(point.money_out, key=lambda e: (e.amount, e.label))  # the largest
    return None


def lowest_point(points: list[Point], *, estimated: bool = False) -> LowPoint | None:
    """The lowest end-of-day balance (the first day of several equal ones)."""
    if not points:
        return None
    value = (lambda p: p.estimated_balance) if estimated else (lambda p: p.balance)
    if value(points[0]) is None:
        return None
    index = min(range(len(points)), key=lambda i: (value(points[i]), i))
    return LowPoint(day=points[index].day, balance=value(points[index]), after=_last_money_out(points, index))


def next_income(points: list[Point]) -> Event | None:
    """The first money in (an income or a transfer in), today or later."""
    for point in points:
        for event in point.events:
            if event.is_money_in:
                return event
    return None


def crossings(points: list[Point], *, floor: Decimal) -> list[Crossing]:
    """Each day the balance goes below ``floor`` after being at or above it (or, when it is
    already below now, the first payment that keeps it there), with the largest payment of
    that day. A dip that lasts several days is one crossing."""
    found = []
    below = False
    for point in points:
        if point.balance >= floor:
            below = False
        elif not below and point.money_out:
            culprit = min(point.money_out, key=lambda e: (e.amount, e.label))
            found.append(Crossing(day=point.day, balance=point.balance, culprit=culprit))
            below = True
    return found


# ---------------------------------------------------------------------------
# From recurring items to events (pure: the rows are read by the selectors below)
# ---------------------------------------------------------------------------

def _sides(item: RecurringItem, account_id: int) -> list[tuple[int, str]]:
    """(sign, kind) of ``item`` for one account: a transfer between two of the accounts
    asked about is both."""
    sides = []
    if item.account_id == account_id:
        sides.append({Kind.BILL: (-1, "bill"), Kind.INCOME: (1, "income"),
                      Kind.TRANSFER: (-1, "transfer_out")}[item.kind])
    if item.kind == Kind.TRANSFER and item.to_account_id == account_id:
        sides.append((1, "transfer_in"))
    return sides


def item_dates(item: RecurringItem, stored: list[Occurrence], *, today: date, end: date) -> list[tuple[date, Decimal]]:
    """The dates of ``item`` still to come up to ``end`` and their amounts: its open stored
    occurrences (at any date: an overdue one is still to be paid), and the dates of its
    schedule from its cursor on that have no stored occurrence (paid and skipped ones are
    history)."""
    found = [(o.due_on, o.amount) for o in stored if o.state in OPEN_STATES and o.due_on <= end]
    if item.next_due_on is not None:
        taken = {o.due_on for o in stored}
        backlog = 0
        for day in dates_from(item.schedule(), item.next_due_on):
            if day > end:
                break
            if day < today:
                backlog += 1
                if backlog > MAX_BACKLOG:
                    continue
            if day not in taken:
                found.append((day, item.amount))
    return found


def account_events(account_id: int, items: list[RecurringItem], stored: dict[int, list[Occurrence]], *,
                   today: date, end: date) -> list[Event]:
    events = []
    for item in items:
        sides = _sides(item, account_id)
        if not sides:
            continue
        for due_on, amount in item_dates(item, stored.get(item.pk, []), today=today, end=end):
            for sign, kind in sides:
                events.append(Event(day=max(due_on, today), amount=amount * sign, label=item.name, item_id=item.pk,
                                    due_on=due_on, kind=kind, estimated=item.is_estimated))
    return events


# ---------------------------------------------------------------------------
# What the pages, the JSON and the alerts read
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Forecast:
    """One account's forecast for ``days`` days (``points``), and what needs a longer look
    (the next income, safe to spend) over at least LOOKAHEAD_DAYS (``lookahead``). Read-only:
    its figures are computed once, when first asked for."""

    account: Account
    today: date
    days: int
    lookahead: list[Point]  # today .. today + max(days, LOOKAHEAD_DAYS)
    daily_spending: Decimal | None = None  # the estimate, when asked for
    estimate_days: int = 0  # how many days the estimate is the mean of
    points: list[Point] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "points", self.lookahead[:self.days + 1])

    @property
    def currency(self) -> str:
        return self.account.currency

    @property
    def balance(self) -> Decimal:
        return self.account.balance

    @property
    def buffer(self) -> Decimal:
        return self.account.forecast_buffer

    @property
    def floor(self) -> Decimal:
        """The balance the customer does not want to go below: the buffer, less a credit
        card's limit (it may go down to minus its limit)."""
        return self.account.forecast_buffer - self.account.credit_limit

    @property
    def end(self) -> date:
        return self.points[-1].day

    @cached_property
    def has_schedule(self) -> bool:
        return any(p.events for p in self.lookahead)

    @cached_property
    def lowest(self) -> LowPoint:
        return lowest_point(self.points)

    @cached_property
    def lowest_estimated(self) -> LowPoint | None:
        return lowest_point(self.points, estimated=True) if self.daily_spending is not None else None

    @property
    def below_buffer(self) -> bool:
        return self.lowest.balance < self.floor

    @cached_property
    def next_income(self) -> Event | None:
        return next_income(self.lookahead)

    def _before_next_income(self) -> list[Point]:
        income = self.next_income
        return [p for p in self.lookahead if income is None or p.day < income.day]

    @cached_property
    def money_out_before_next_income(self) -> list[Event]:
        return [e for p in self._before_next_income() for e in p.money_out]

    @cached_property
    def lowest_before_next_income(self) -> Decimal:
        """The lowest end-of-day balance before the day of the next income (the balance now
        when the income is due today)."""
        return min([self.balance] + [p.balance for p in self._before_next_income()])

    @property
    def set_aside(self) -> Decimal:
        """What the account's savings goal keeps out of safe to spend: the balance saved
        toward it, up to the goal (nothing without a goal or without money on the account).
        Spending it would set the goal back, so it is not offered as spendable."""
        goal = self.account.goal_amount
        if goal is None:
            return ZERO
        return min(max(self.balance, ZERO), goal)

    @cached_property
    def safe_to_spend(self) -> Decimal:
        """What can go today and still leave the buffer and the money saved toward the goal
        (``set_aside``) after every payment due before the next income; negative: that much
        is missing."""
        out = sum((-e.amount for e in self.money_out_before_next_income), ZERO)
        return self.balance + self.account.credit_limit - self.buffer - self.set_aside - out

    def crossings(self, *, days: int | None = None) -> list[Crossing]:
        """Crossings below the floor in the first ``days`` days (default: the points shown)."""
        points = self.points if days is None else self.lookahead[:days + 1]
        return crossings(points, floor=self.floor)


def crossing_message(forecast: Forecast, crossing: Crossing) -> str:
    """``Checking is projected to reach −120.00 USD on Mar 3, 2026, after Rent (850.00 USD).``, in the
    current language and formats (the alert check sets the owner's)."""
    currency = forecast.currency
    values = {"account": forecast.account.name, "balance": format_money(crossing.balance, currency),
              "day": format_day(crossing.day), "item": crossing.culprit.label,
              "amount": format_money(-crossing.culprit.amount, currency),
              "buffer": format_money(forecast.buffer, currency)}
    if forecast.buffer:
        return _("%(account)s is projected to reach %(balance)s on %(day)s, after %(item)s (%(amount)s), below "
                 "the %(buffer)s you want to keep.") % values
    return _("%(account)s is projected to reach %(balance)s on %(day)s, after %(item)s (%(amount)s).") % values


# One parameter, the user's id: whether they have an item a forecast would read (``_items_for``
# narrows it to the accounts); a subquery of the dashboard's counts statement.
ACTIVE_ITEMS_SQL = (f"SELECT EXISTS (SELECT 1 FROM {table(RecurringItem)} "  # noqa: S608 (names from the model)
                    f"WHERE {column(RecurringItem, 'owner')} = %s AND {column(RecurringItem, 'is_active')} "
                    f"AND {column(RecurringItem, 'paused_on')} IS NULL)")


def _items_for(*, user, account_ids: list[int]) -> list[RecurringItem]:
    return list(
        RecurringItem.objects.filter(owner=user, is_active=True, paused_on__isnull=True)
        .filter(Q(account_id__in=account_ids) | Q(to_account_id__in=account_ids))
        .order_by("pk")
    )


def _stored_for(items: list[RecurringItem], *, end: date) -> dict[int, list[Occurrence]]:
    """The occurrences that matter up to ``end``, one query: open ones (at any date), and any
    at or after each item's cursor (a paid or skipped date there must not be counted again)."""
    stored: dict[int, list[Occurrence]] = defaultdict(list)
    if not items:
        return stored
    rows = (Occurrence.objects.filter(item_id__in=[i.pk for i in items], due_on__lte=end)
            .filter(Q(state__in=OPEN_STATES) | Q(due_on__gte=F("item__next_due_on")))
            .only("item_id", "due_on", "amount", "state").order_by("due_on", "pk"))
    for row in rows:
        stored[row.item_id].append(row)
    return stored


def account_forecasts(*, user, accounts: list[Account], days: int = DEFAULT_DAYS, today: date | None = None,
                      has_items: bool = True) -> dict[int, Forecast]:
    """A forecast for each of ``accounts`` (the user's, already read): two queries whatever
    the number of accounts, items and days (one when no item touches them; none when the
    caller read that the user has no active item: ``has_items=False``, see ``ACTIVE_ITEMS_SQL``)."""
    today = today or user_today(user)
    horizon = max(days, LOOKAHEAD_DAYS)
    end = today + timedelta(days=horizon)
    ids = [a.pk for a in accounts]
    items = _items_for(user=user, account_ids=ids) if ids and has_items else []
    stored = _stored_for(items, end=end)
    return {
        a.pk: Forecast(account=a, today=today, days=days, lookahead=project(
            balance=a.balance, today=today, days=horizon,
            events=account_events(a.pk, items, stored, today=today, end=end)))
        for a in accounts
    }


def daily_spending_estimate(*, user, account: Account, today: date) -> tuple[Decimal | None, int]:
    """(the mean daily amount of the account's expenses not linked to a bill's payment over
    the last ESTIMATE_DAYS days before today, the number of days), one query through the
    (account, -occurred_on) index; (None, 0) for an account opened today."""
    start = max(today - timedelta(days=ESTIMATE_DAYS), account.opened_on)
    days = (today - start).days
    if days <= 0:
        return None, 0
    paid_bills = Occurrence.objects.filter(transaction=OuterRef("pk"))
    total = (Transaction.objects.filter(owner=user, account=account, kind=Transaction.Kind.EXPENSE,
                                        occurred_on__gte=start, occurred_on__lt=today)
             .exclude(Exists(paid_bills)).aggregate(total=Sum("amount"))["total"]) or ZERO
    return (total / days).quantize(CENT, rounding=ROUND_HALF_UP), days


def account_forecast(*, user, account_id: int, days: int = DEFAULT_DAYS, estimate: bool = False,
                     today: date | None = None) -> Forecast:
    """The user's account ``account_id`` (Account.DoesNotExist for anyone else's) for
    ``days`` days: three queries (four with the estimate), whatever the number of items."""
    account = Account.objects.filter(owner=user, pk=account_id).first()
    if account is None:
        raise Account.DoesNotExist("No such account.")
    today = today or user_today(user)
    forecast = account_forecasts(user=user, accounts=[account], days=days, today=today)[account.pk]
    if not estimate:
        return forecast
    spending, measured = daily_spending_estimate(user=user, account=account, today=today)
    if spending is None:
        return forecast
    horizon = len(forecast.lookahead) - 1
    events = [e for p in forecast.lookahead for e in p.events]
    return Forecast(account=account, today=today, days=days, daily_spending=spending, estimate_days=measured,
                    lookahead=project(balance=account.balance, today=today, days=horizon, events=events,
                                      daily_spending=spending))


__all__ = [
    "DAY_CHOICES", "DEFAULT_DAYS", "MAX_DAYS", "Crossing", "Event", "Forecast", "LowPoint", "Point",
    "account_events", "account_forecast", "account_forecasts", "crossing_message", "crossings",
    "daily_spending_estimate", "item_dates", "lowest_point", "next_income", "project",
]
