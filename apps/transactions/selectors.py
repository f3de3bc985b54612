"""Reads of the ledger, aggregated in PostgreSQL and scoped by owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from .models import MonthlyTotal


def parse_month(value: str) -> date:
    """'YYYY-MM' -> the first day of that month; ValueError for anything else."""
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        raise ValueError("Use the form YYYY-MM, for example 2025-12.")
    year, month = value[:4], value[5:]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12 or int(year) < 1:
        raise ValueError("Use the form YYYY-MM, for example 2025-12.")
    return date(int(year), int(month), 1)


@dataclass(frozen=True)
class MonthlySpending:
    month: date
    total: Decimal
    by_category: dict[str, Decimal] = field(default_factory=dict)  # category name -> spent, largest first

    @property
    def month_label(self) -> str:
        return self.month.strftime("%Y-%m")


def monthly_spending(*, user, month: date) -> MonthlySpending:
    """A user's spending (expenses; transfers are not spending) in one month and its
    split by category: one aggregate query over the monthly totals, whose size does
    not grow with the user's history."""
    month = month.replace(day=1)
    rows = (
        MonthlyTotal.objects.filter(owner=user, month=month, kind="expense", count__gt=0)
        .values("category__name")
        .annotate(spent=Sum("total"))
        .order_by("-spent", "category__name")
    )
    by_category = {row["category__name"]: row["spent"] for row in rows}
    return MonthlySpending(month=month, total=sum(by_category.values(), Decimal("0.00")), by_category=by_category)
