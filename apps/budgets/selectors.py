"""Budget reads. (Contract for the dashboard; implemented with the budgets issue.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


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


def budget_vs_actual(*, user, month: date | None = None, today: date | None = None) -> list[BudgetStatus]:
    """All of the user's active budgets with their spending, for the current period
    (in the user's time zone) or for a given month, in a constant number of queries."""
    raise NotImplementedError
