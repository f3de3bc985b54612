"""Budget reads, aggregated in PostgreSQL and scoped by owner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from apps.accounts.models import Account
from apps.core.dates import Window, add_months, month_end, month_window, user_today
from apps.core.db import column, table
from apps.transactions.models import Category, DailyTotal, MonthlyTotal, Transaction

from .models import Budget, warning_amount
from .periods import window_containing

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetStatus:
    budget_id: int
    category: str  # category name
    period: str  # Budget.Period value
    currency: str  # the budget counts only expenses in this currency
    limit: Decimal
    spent: Decimal
    remaining: Decimal  # limit - spent; negative when exceeded
    exceeded: bool  # spent > limit (spent == limit is not exceeded)
    warning: bool  # spent past the warning threshold (and not exceeded)
    percent_used: Decimal  # 0..n, e.g. Decimal("62.5")
    period_start: date
    period_end: date  # inclusive
    as_of: date  # spending is counted up to this day (today, or a past month's last day)
    # With ``usual_periods``: the average, over the earlier periods with spending in the category,
    # of what was spent after this day of the period; None when not asked or no such period.
    usual_rest: Decimal | None = None

    @property
    def period_label(self) -> str:
        """"Monthly", in the customer's language."""
        return str(Budget.Period(self.period).label)


def budget_window(budget: Budget, *, today: date) -> Window:
    """The budget's current window: the one containing ``today``."""
    return window_containing(period=budget.period, start_date=budget.start_date, day=today)


def is_exceeded(*, budget: Budget, spent: Decimal) -> bool:
    return spent > budget.limit


def is_past_warning(*, budget: Budget, spent: Decimal) -> bool:
    """Past the early-warning threshold but not over the limit ("passes": strictly more)."""
    return budget.warning_amount < spent <= budget.limit


def _split_window(window: Window) -> tuple[tuple[date, date] | None, tuple[date, date] | None,
                                           tuple[date, date] | None]:
    """(whole months, days before them, days after them) of a window. The whole calendar
    months (first days of the first and last) are read from the monthly totals; only the
    days at the edges from the daily totals. A window without a whole month is one edge."""
    first = window.start if window.start.day == 1 else add_months(window.start.replace(day=1), 1)
    end_month = window.end.replace(day=1)
    last = end_month if window.end == month_window(end_month).end else add_months(end_month, -1)
    if first > last:
        return None, (window.start, window.end), None
    after = month_window(last).end + timedelta(days=1)
    head = (window.start, first - timedelta(days=1)) if window.start < first else None
    tail = (after, window.end) if after <= window.end else None
    return (first, last), head, tail


def spent_in_windows(*, user, windows: dict[int, tuple[int, str, Window]]) -> dict[int, Decimal]:
    """Expenses per budget: ``windows`` maps budget id -> (category id, currency, window).
    Only expenses on accounts in the budget's currency count: amounts in two currencies
    are never added.

    One query whatever the number of budgets: the windows are one JSON parameter, a row per
    budget (``jsonb_to_recordset``), so the statement's text is the same for every customer and
    every number of budgets: psycopg converts it once per process and PostgreSQL plans it once
    per connection (bankdash/dbcursor.py). Issue 17: a VALUES list of nine placeholders a
    budget made a text per number of budgets with more parameters than psycopg keeps
    converted, converted and planned on every page (584 us a call for five budgets, against
    454 us now; nine arrays instead of the JSON took 1,025 us, psycopg's list dumping). Whole
    calendar months come from the ledger's monthly totals, the days of a window outside
    whole months (a budget starting on the 15th, a weekly one) from its daily totals: a few
    rows per month or day however many entries they hold, so no window reads ledger rows
    and the cost grows neither with the history nor with how busy a period is.
    Only ``expense`` totals count: transfers (and income) are not spending.
    """
    if not windows:
        return {}
    rows = []
    for budget_id, (category_id, currency, window) in windows.items():
        days = [day.isoformat() if day else None for edge in _split_window(window) for day in (edge or (None, None))]
        rows.append(dict(zip((name for name, _ in _WINDOW_COLUMNS), (budget_id, category_id, currency, *days),
                             strict=True)))
    with connection.cursor() as cursor:
        cursor.execute(_SPENT_IN_WINDOWS_SQL, [user.pk, Transaction.Kind.EXPENSE, json.dumps(rows)])
        return {budget_id: Decimal(spent).quantize(ZERO) for budget_id, spent in cursor.fetchall()}


# A window as a JSON object and as the statement reads it: each key with its SQL type.
_WINDOW_COLUMNS = (("budget_id", "bigint"), ("category_id", "bigint"), ("currency", "text"), ("month_from", "date"),
                   ("month_to", "date"), ("head_from", "date"), ("head_to", "date"), ("tail_from", "date"),
                   ("tail_to", "date"))


def _spent_in_windows_sql() -> str:
    daily, monthly, accounts = table(DailyTotal), table(MonthlyTotal), table(Account)
    # The user's accounts in the window's currency (a handful of rows, by the owner index).
    in_currency = f"(SELECT a.id FROM {accounts} a WHERE a.owner_id = p.owner AND a.currency = w.currency)"  # noqa: S608
    daily_days = (
        f"COALESCE((SELECT SUM(d.total) FROM {daily} d WHERE d.owner_id = p.owner AND d.category_id = w.category_id "  # noqa: S608
        f"AND d.kind = p.kind AND d.account_id IN {in_currency} "
        "AND d.day BETWEEN w.{edge}_from AND w.{edge}_to), 0)"
    )
    return (
        "SELECT w.budget_id, "  # noqa: S608 (only our table names are interpolated)
        f"COALESCE((SELECT SUM(m.total) FROM {monthly} m WHERE m.owner_id = p.owner "
        f"AND m.category_id = w.category_id AND m.kind = p.kind AND m.account_id IN {in_currency} "
        "AND m.month BETWEEN w.month_from AND w.month_to), 0)"
        f" + {daily_days.format(edge='head')} + {daily_days.format(edge='tail')}"
        " FROM (SELECT %s::bigint AS owner, %s::text AS kind) p, jsonb_to_recordset(%s::jsonb) AS w ("
        + ", ".join(f"{name} {sql_type}" for name, sql_type in _WINDOW_COLUMNS) + ")"
    )


_SPENT_IN_WINDOWS_SQL = _spent_in_windows_sql()


@dataclass(frozen=True)
class _ActiveBudget:
    """What budget vs actual reads of a budget, as plain values (issue 17: the overview asks on
    every request, and model instances of the budgets and their categories were a good part of it)."""

    pk: int
    category_id: int
    category_name: str
    period: str
    currency: str
    limit: Decimal
    warning_percent: int
    start_date: date

    @property
    def warning_amount(self) -> Decimal:
        return warning_amount(limit=self.limit, warning_percent=self.warning_percent)


def _active_budgets(*, user) -> list[_ActiveBudget]:
    """The user's active budgets in Budget's order (category name, period), one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_BUDGETS_SQL, [user.pk])
        return [_ActiveBudget(*row) for row in cursor.fetchall()]


def active_budgets_of(text: str) -> list[_ActiveBudget]:
    """The active budgets from what ``ACTIVE_BUDGETS_JSON_SQL`` answered, for ``budget_vs_actual``'s
    ``budgets``: the limit is written as text there, so it comes back the exact Decimal."""
    return [_ActiveBudget(pk, category_id, name, period, currency, Decimal(limit), warning_percent,
                          date.fromisoformat(start_date))
            for pk, category_id, name, period, currency, limit, warning_percent, start_date in json.loads(text)]


def _active_budget_columns(*, limit: str = "") -> str:
    """The columns of ``_ActiveBudget``, in its order (``limit``: a cast for the limit)."""
    return (f"b.{column(Budget, 'id')}, b.{column(Budget, 'category')}, c.{column(Category, 'name')}, "
            f"b.{column(Budget, 'period')}, b.{column(Budget, 'currency')}, b.{column(Budget, 'limit')}{limit}, "
            f"b.{column(Budget, 'warning_percent')}, b.{column(Budget, 'start_date')}")


_ACTIVE_BUDGETS_FROM = (
    f"FROM {table(Budget)} b "  # noqa: S608
    f"JOIN {table(Category)} c "
    f"ON c.{column(Category, 'id')} = b.{column(Budget, 'category')} "
    f"WHERE b.{column(Budget, 'owner')} = %s AND b.{column(Budget, 'is_active')} "
)
_ACTIVE_BUDGETS_ORDER = f"c.{column(Category, 'name')}, b.{column(Budget, 'period')}, b.{column(Budget, 'id')}"
_ACTIVE_BUDGETS_SQL = f"SELECT {_active_budget_columns()} {_ACTIVE_BUDGETS_FROM}ORDER BY {_ACTIVE_BUDGETS_ORDER}"
# The same budgets as one JSON text (one parameter: the owner), for a page that reads them inside
# a statement of its own (apps.dashboard: the overview's and the dashboard's one round trip for
# them less; issue 17). The limit as text: JSON numbers would come back as floats.
ACTIVE_BUDGETS_JSON_SQL = (
    f"SELECT COALESCE(json_agg(json_build_array({_active_budget_columns(limit='::text')}) "  # noqa: S608
    f"ORDER BY {_ACTIVE_BUDGETS_ORDER})::text, '[]') {_ACTIVE_BUDGETS_FROM}"
)


def _status(budget: _ActiveBudget, window: Window, spent: Decimal, as_of: date,
            usual_rest: Decimal | None = None) -> BudgetStatus:
    exceeded = is_exceeded(budget=budget, spent=spent)
    return BudgetStatus(
        budget_id=budget.pk,
        category=budget.category_name,
        period=budget.period,
        currency=budget.currency,
        limit=budget.limit,
        spent=spent,
        remaining=budget.limit - spent,
        exceeded=exceeded,
        warning=is_past_warning(budget=budget, spent=spent),
        percent_used=(spent * 100 / budget.limit).quantize(Decimal("0.1")),
        period_start=window.start,
        period_end=window.end,
        as_of=as_of,
        usual_rest=usual_rest,
    )


def _earlier_windows(budget: _ActiveBudget, window: Window, *, today: date, periods: int) -> dict[int, Window]:
    """The ``periods`` periods of ``budget`` before ``window``, as windows to count under keys no
    budget has: -(10 id + 2n + 1) for the n-th one's days up to the day of the period ``today`` is
    in ``window``, one less for all its days."""
    days_gone = (today - window.start).days
    earlier, found = window, {}
    for n in range(periods):
        earlier = window_containing(period=budget.period, start_date=budget.start_date,
                                    day=earlier.start - timedelta(days=1), extend_back=True)
        key = -(10 * budget.pk + 2 * n + 1)
        found[key] = Window(earlier.start, min(earlier.start + timedelta(days=days_gone), earlier.end))
        found[key - 1] = earlier
    return found


def _usual_rest(spent: dict[int, Decimal], keys) -> Decimal | None:
    """From ``_earlier_windows``' keys: the average of what came after the day, over the periods
    with spending; None without such a period."""
    rests = [spent.get(key - 1, ZERO) - spent.get(key, ZERO) for key in keys if key % 2 and spent.get(key - 1, ZERO)]
    return max(sum(rests, ZERO) / len(rests), ZERO) if rests else None


def budget_vs_actual(*, user, month: date | None = None, today: date | None = None,
                     spent_in=spent_in_windows, usual_periods: int = 0,
                     budgets: list[_ActiveBudget] | None = None) -> list[BudgetStatus]:
    """All of the user's active budgets with their spending in their current period (in
    the user's time zone) or, when ``month`` is another month than today's, as they stood
    on that month's last day: each budget judged against its own period containing that
    day (the last week of the month for a weekly budget; for a month before the budget
    started, the period its rule gives there), spending counted up to that day.
    Two queries however many budgets: the budgets, then ``spent_in_windows`` (or ``spent_in``,
    the same function through a cache: apps.dashboard); one when the caller read the budgets
    in a statement of its own (``budgets``: ``active_budgets_of``)."""
    today = today or user_today(user)
    is_current = month is None or month_window(month) == month_window(today)
    as_of = today if is_current else month_end(month)
    if budgets is None:
        budgets = _active_budgets(user=user)
    # A past month before a budget's start is judged on the period its rule gives there.
    windows = {b.pk: window_containing(period=b.period, start_date=b.start_date, day=as_of,
                                       extend_back=not is_current) for b in budgets}
    # The current period counts all its entries (as the budget check does); another month's
    # stops at that month's last day: what the customer saw then.
    counted = {b.pk: (b.category_id, b.currency,
                      windows[b.pk] if is_current else Window(windows[b.pk].start, min(windows[b.pk].end, as_of)))
               for b in budgets}
    # ``usual_periods``: for a period under way, its earlier periods counted in the same statement.
    earlier = {b.pk: _earlier_windows(b, windows[b.pk], today=as_of, periods=usual_periods) for b in budgets
               if usual_periods and is_current and as_of < windows[b.pk].end}
    for b in budgets:
        counted.update({key: (b.category_id, b.currency, window) for key, window in earlier.get(b.pk, {}).items()})
    spent = spent_in(user=user, windows=counted)
    return [_status(b, windows[b.pk], spent.get(b.pk, ZERO), as_of,
                    _usual_rest(spent, earlier[b.pk]) if b.pk in earlier else None) for b in budgets]
