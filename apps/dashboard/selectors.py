"""Everything the dashboard page and ``GET /dashboard/overview`` read.

Each selector is a fixed number of queries aggregated in PostgreSQL over the
accounts (a handful of rows per user) and the monthly totals (one row per account,
category, month and kind), never over the user's transaction history; the one
query that reads transactions takes the newest six through the
``(owner, -occurred_on, -id)`` index. So the cost of the dashboard does not grow
with the number of transactions.

Months are first days of months; "today" is the date in the user's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum, Window
from django.utils import timezone

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.budgets.selectors import BudgetStatus, budget_vs_actual
from apps.transactions.models import MonthlyTotal, Transaction
from apps.transactions.selectors import MonthlySpending, monthly_spending, parse_month

ZERO = Decimal("0.00")
HISTORY_MONTHS = 6
# Months outside this range cannot be shown with their neighbours (the six-month
# chart and the previous/next links), so they are refused like a malformed month.
MIN_YEAR, MAX_YEAR = 1900, 9998
MONTH_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}")


# ---------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------

def user_today(user) -> date:
    """Today's date where the user is (not where the server is)."""
    return timezone.localdate(timezone=user.zoneinfo)


def current_month(user, today: date | None = None) -> date:
    return (today or user_today(user)).replace(day=1)


def shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_dashboard_month(value: str) -> date:
    """'YYYY-MM' -> first day of the month; ValueError with a message for the customer.
    ASCII digits only: "２０２５-０６" passes str.isdigit() but is not what the API speaks."""
    if not isinstance(value, str) or not MONTH_FORMAT.fullmatch(value):
        raise ValueError("Use the form YYYY-MM, for example 2025-12.")
    month = parse_month(value)
    if not MIN_YEAR <= month.year <= MAX_YEAR:
        raise ValueError(f"Choose a month between {MIN_YEAR} and {MAX_YEAR}.")
    return month


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountSummary:
    accounts: list[Account]  # open accounts, each with its balance
    by_currency: dict[str, Decimal]  # currency -> total balance, default currency first
    default_currency: str

    @property
    def total_accounts(self) -> int:
        return len(self.accounts)

    @property
    def total_balance(self) -> Decimal:
        """The total in the default currency (or in the one currency the user has):
        amounts in different currencies are never added together."""
        if len(self.by_currency) == 1:
            return next(iter(self.by_currency.values()))
        return self.by_currency.get(self.default_currency, ZERO)

    @property
    def total_currency(self) -> str:
        if len(self.by_currency) == 1:
            return next(iter(self.by_currency))
        return self.default_currency

    @property
    def is_multi_currency(self) -> bool:
        return len(self.by_currency) > 1


def account_summary(*, user) -> AccountSummary:
    """The user's open accounts and their totals per currency: one query, with the
    per-currency sums computed by PostgreSQL as a window over the same rows."""
    accounts = list(
        Account.objects.filter(owner=user, closed_on__isnull=True)
        .annotate(currency_total=Window(Sum("balance"), partition_by=[F("currency")]))
        .order_by("name", "id")
    )
    default = user.default_currency
    totals = {a.currency: a.currency_total for a in accounts}
    by_currency = dict(sorted(totals.items(), key=lambda item: (item[0] != default, item[0])))
    return AccountSummary(accounts=accounts, by_currency=by_currency, default_currency=default)


# ---------------------------------------------------------------------------
# Months of income and spending
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MonthFlow:
    month: date
    income: Decimal
    spending: Decimal

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def net(self) -> Decimal:
        return self.income - self.spending


def income_vs_spending(*, user, month: date, months: int = HISTORY_MONTHS) -> list[MonthFlow]:
    """Income and spending (expenses; transfers are neither) for the ``months``
    months ending with ``month``, oldest first, months without entries as zeros:
    one grouped query over the monthly totals."""
    month = month.replace(day=1)
    first = shift_month(month, -(months - 1))
    rows = (
        MonthlyTotal.objects.filter(owner=user, month__gte=first, month__lte=month)
        .values("month")
        .annotate(
            income=Sum("total", filter=Q(kind="income"), default=ZERO),
            spending=Sum("total", filter=Q(kind="expense"), default=ZERO),
        )
        .order_by("month")
    )
    found = {row["month"]: row for row in rows}
    flows = []
    for i in range(months):
        m = shift_month(first, i)
        row = found.get(m)
        flows.append(MonthFlow(month=m, income=row["income"] if row else ZERO,
                               spending=row["spending"] if row else ZERO))
    return flows


# ---------------------------------------------------------------------------
# Transactions and alerts
# ---------------------------------------------------------------------------

def latest_transactions(*, user, limit: int = 6) -> list[Transaction]:
    """The newest entries, read through the (owner, -occurred_on, -id) index with a LIMIT."""
    return list(
        Transaction.objects.filter(owner=user)
        .select_related("account", "category")
        .order_by("-occurred_on", "-id")[:limit]
    )


def unread_alert_count(*, user) -> int:
    return Alert.objects.filter(owner=user).unread().count()


# ---------------------------------------------------------------------------
# What the JSON overview and the page show
# ---------------------------------------------------------------------------

def _budgets(*, user, month: date, today: date) -> list[BudgetStatus]:
    # The current month shows each budget's current period (this week for a weekly
    # budget); another month shows the periods of that month.
    if month == current_month(user, today):
        return budget_vs_actual(user=user, today=today)
    return budget_vs_actual(user=user, month=month, today=today)


@dataclass(frozen=True)
class Overview:
    """What ``GET /dashboard/overview`` returns."""

    month: date
    accounts: AccountSummary
    spending: MonthlySpending
    budgets: list[BudgetStatus]
    alerts_count: int

    @property
    def month_label(self) -> str:
        return self.month.strftime("%Y-%m")


def dashboard_overview(*, user, month: date | None = None, today: date | None = None) -> Overview:
    """Accounts, the month's spending, budget vs actual and unread alerts:
    3 queries plus the budget selector's constant number."""
    today = today or user_today(user)
    month = (month or today).replace(day=1)
    return Overview(
        month=month,
        accounts=account_summary(user=user),
        spending=monthly_spending(user=user, month=month),
        budgets=_budgets(user=user, month=month, today=today),
        alerts_count=unread_alert_count(user=user),
    )


@dataclass(frozen=True)
class DashboardPage:
    """Everything the HTML dashboard shows for one month."""

    month: date
    today: date
    accounts: AccountSummary
    spending: MonthlySpending  # the month, split by category
    history: list[MonthFlow]  # the six months ending with ``month``, oldest first
    budgets: list[BudgetStatus]
    latest: list[Transaction] = field(default_factory=list)
    alerts_count: int = 0

    @property
    def this_month(self) -> MonthFlow:
        return self.history[-1]

    @property
    def previous_month(self) -> MonthFlow:
        return self.history[-2]

    @property
    def spending_change(self) -> Decimal:
        return self.this_month.spending - self.previous_month.spending

    @property
    def spending_change_percent(self) -> Decimal | None:
        """How much more (or less) was spent than in the previous month, in %; None without a base."""
        before = self.previous_month.spending
        if not before:
            return None
        return (self.spending_change * 100 / before).quantize(Decimal("0.1"))

    @property
    def is_new_user(self) -> bool:
        return not self.accounts.accounts and not self.latest

    @property
    def is_current_month(self) -> bool:
        return self.month == self.today.replace(day=1)


def dashboard_page(*, user, month: date | None = None, today: date | None = None) -> DashboardPage:
    """The page's data in a constant number of queries: accounts, six months of
    totals, the month's categories, the latest six entries, unread alerts, and the
    budget selector's own constant number."""
    today = today or user_today(user)
    month = (month or today).replace(day=1)
    return DashboardPage(
        month=month,
        today=today,
        accounts=account_summary(user=user),
        spending=monthly_spending(user=user, month=month),
        history=income_vs_spending(user=user, month=month),
        budgets=_budgets(user=user, month=month, today=today),
        latest=latest_transactions(user=user),
        alerts_count=unread_alert_count(user=user),
    )

