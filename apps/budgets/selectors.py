"""Budget reads, aggregated in PostgreSQL and scoped by owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from apps.transactions.models import Transaction

from .models import Budget
from .periods import Window, month_window, user_today, window_containing

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


def spent_in_windows(*, user, windows: dict[int, tuple[int, Window]]) -> dict[int, Decimal]:
    """Expenses per budget: ``windows`` maps budget id -> (category id, window).

    One query whatever the number of budgets: the windows are a VALUES list joined to
    the ledger on (owner, category, occurred_on), which the index of the same name serves.
    Only ``expense`` rows count: transfers (and income) are not spending.
    """
    if not windows:
        return {}
    rows_sql = ", ".join(["(%s::bigint, %s::bigint, %s::date, %s::date)"] * len(windows))
    params: list = []
    for budget_id, (category_id, window) in windows.items():
        params += [budget_id, category_id, window.start, window.end]
    table = connection.ops.quote_name(Transaction._meta.db_table)
    sql = (
        "SELECT w.budget_id, COALESCE(SUM(t.amount), 0) "  # noqa: S608 (only placeholders are interpolated)
        f"FROM (VALUES {rows_sql}) AS w (budget_id, category_id, start_on, end_on) "
        f"LEFT JOIN {table} t ON t.owner_id = %s AND t.category_id = w.category_id "
        "AND t.occurred_on BETWEEN w.start_on AND w.end_on AND t.kind = %s "
        "GROUP BY w.budget_id"
    )
    params += [user.pk, Transaction.Kind.EXPENSE]
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
