"""Budget reads, aggregated in PostgreSQL and scoped by owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from apps.transactions.models import MonthlyTotal, Transaction

from .models import Budget
from .periods import Window, add_months, month_window, user_today, window_containing

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetStatus:
    budget_id: int
    category: str  # category name
    period: str  # Budget.Period value
    limit: Decimal
    spent: Decimal
    remaining: Decimal  # limit - spent; negative when exceeded
    exceeded: bool  # spent > limit (spent == limit is not exceeded)
    warning: bool  # spent past the warning threshold (and not exceeded)
    percent_used: Decimal  # 0..n, e.g. Decimal("62.5")
    period_start: date
    period_end: date  # inclusive


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
    days at the edges from the ledger rows. A window without a whole month is one edge."""
    first = window.start if window.start.day == 1 else add_months(window.start.replace(day=1), 1)
    end_month = window.end.replace(day=1)
    last = end_month if window.end == month_window(end_month).end else add_months(end_month, -1)
    if first > last:
        return None, (window.start, window.end), None
    after = month_window(last).end + timedelta(days=1)
    head = (window.start, first - timedelta(days=1)) if window.start < first else None
    tail = (after, window.end) if after <= window.end else None
    return (first, last), head, tail


def spent_in_windows(*, user, windows: dict[int, tuple[int, Window]]) -> dict[int, Decimal]:
    """Expenses per budget: ``windows`` maps budget id -> (category id, window).

    One query whatever the number of budgets: the windows are a VALUES list. Whole
    calendar months come from the ledger's monthly totals (a few rows however many
    entries a month has: every monthly budget starting on the 1st, every ``month=``
    view); only the days of a window outside whole months are summed from the ledger
    rows, through the (owner, category, occurred_on) index. So the cost does not grow
    with how busy the user's months are.
    Only ``expense`` rows count: transfers (and income) are not spending.
    """
    if not windows:
        return {}
    rows_sql = ", ".join(["(%s::bigint, %s::bigint" + ", %s::date" * 6 + ")"] * len(windows))
    params: list = []
    for budget_id, (category_id, window) in windows.items():
        months, head, tail = _split_window(window)
        params += [budget_id, category_id, *(months or (None, None)), *(head or (None, None)),
                   *(tail or (None, None))]
    table = connection.ops.quote_name(Transaction._meta.db_table)
    monthly = connection.ops.quote_name(MonthlyTotal._meta.db_table)
    ledger_days = (
        f"COALESCE((SELECT SUM(t.amount) FROM {table} t WHERE t.owner_id = %s AND t.category_id = w.category_id "  # noqa: S608
        "AND t.kind = %s AND t.occurred_on BETWEEN w.{edge}_from AND w.{edge}_to), 0)"
    )
    sql = (
        "SELECT w.budget_id, "  # noqa: S608 (only placeholders and our table names are interpolated)
        f"COALESCE((SELECT SUM(m.total) FROM {monthly} m WHERE m.owner_id = %s AND m.category_id = w.category_id "
        "AND m.kind = %s AND m.month BETWEEN w.month_from AND w.month_to), 0)"
        f" + {ledger_days.format(edge='head')} + {ledger_days.format(edge='tail')}"
        f" FROM (VALUES {rows_sql}) AS w (budget_id, category_id, month_from, month_to, head_from, head_to, "
        "tail_from, tail_to)"
    )
    params = [user.pk, Transaction.Kind.EXPENSE] * 3 + params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {budget_id: Decimal(spent).quantize(ZERO) for budget_id, spent in cursor.fetchall()}


def _status(budget: Budget, window: Window, spent: Decimal) -> BudgetStatus:
    exceeded = is_exceeded(budget=budget, spent=spent)
    return BudgetStatus(
        budget_id=budget.pk,
        category=budget.category.name,
        period=budget.period,
        limit=budget.limit,
        spent=spent,
        remaining=budget.limit - spent,
        exceeded=exceeded,
        warning=is_past_warning(budget=budget, spent=spent),
        percent_used=(spent * 100 / budget.limit).quantize(Decimal("0.1")),
        period_start=window.start,
        period_end=window.end,
    )


def budget_vs_actual(*, user, month: date | None = None, today: date | None = None) -> list[BudgetStatus]:
    """All of the user's active budgets with their spending, for the current period
    (in the user's time zone) or, when ``month`` is given, for that calendar month.
    Two queries however many budgets: the budgets, then ``spent_in_windows``."""
    budgets = list(Budget.objects.filter(owner=user, is_active=True).select_related("category"))
    if month is not None:
        windows = {b.pk: month_window(month) for b in budgets}
    else:
        today = today or user_today(user)
        windows = {b.pk: budget_window(b, today=today) for b in budgets}
    spent = spent_in_windows(user=user, windows={b.pk: (b.category_id, windows[b.pk]) for b in budgets})
    return [_status(b, windows[b.pk], spent.get(b.pk, ZERO)) for b in budgets]
