"""What ``GET /insights/...`` reads: spending and its trend, cash flow, top merchants, the
financial health score and the burn rate of one month.

Every money figure is per currency (amounts in two currencies are never added), in a dict
keyed by currency code whose first key is the user's default currency (always there; another
currency only when it has figures). Money comes from the ledger's monthly totals
(``MonthlyTotal``), never from a scan of the user's history; the one read of ledger rows,
the top merchants, is bounded to the month's expenses. Months are first days of months and
"today" is the user's (``apps.core.dates``). Transfers are neither income nor spending: the
monthly totals hold income and expenses only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, F, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from apps.accounts.selectors import account_totals_by_currency
from apps.alerts.models import Alert
from apps.budgets.selectors import budget_vs_actual
from apps.core.currencies import currency_order
from apps.core.dates import month_end, month_start, shift_month, user_today
from apps.rewards.selectors import points_total
from apps.transactions.models import Transaction
from apps.transactions.selectors import income_vs_spending, monthly_spending

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
TOP_MERCHANTS = 5


def _ordered(currencies, default: str) -> list[str]:
    """The default currency (always) first, then every other one with figures, A-Z."""
    return currency_order(set(currencies) | {default}, default)


# ---------------------------------------------------------------------------
# Income and spending per currency and month (the monthly totals)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Flow:
    income: Decimal = ZERO
    spending: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.income - self.spending


def month_flows(*, user, first: date, last: date) -> dict[tuple[str, date], Flow]:
    """(currency, month) -> income and spending, for the months ``first``..``last``, from the
    ledger's one grouped query over the monthly totals (income_vs_spending)."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    history = income_vs_spending(user=user, month=last, months=months)
    return {(currency, flow.month): Flow(income=flow.income, spending=flow.spending)
            for currency, flows in history.items() for flow in flows}


# ---------------------------------------------------------------------------
# Spending and its trend
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SpendingTrend:
    currency: str
    month: date
    total: Decimal
    previous_month: date
    previous_total: Decimal

    @property
    def change(self) -> Decimal:
        return self.total - self.previous_total

    @property
    def trend(self) -> str:
        return "increase" if self.change > 0 else "decrease" if self.change < 0 else "no_change"


def spending_trends(*, user, month: date) -> dict[str, SpendingTrend]:
    """The month's spending against the previous month's, per currency (two queries:
    ``monthly_spending`` of each month)."""
    month = month_start(month)
    previous = shift_month(month, -1)
    now, before = monthly_spending(user=user, month=month), monthly_spending(user=user, month=previous)

    def total(spending, currency):
        own = spending.by_currency.get(currency)
        return own.total if own else ZERO

    return {
        currency: SpendingTrend(currency=currency, month=month, total=total(now, currency), previous_month=previous,
                                previous_total=total(before, currency))
        for currency in _ordered([*now.by_currency, *before.by_currency], user.default_currency)
    }


# ---------------------------------------------------------------------------
# Cash flow
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CashFlow:
    currency: str
    month: date
    income: Decimal
    expense: Decimal

    @property
    def net(self) -> Decimal:
        return self.income - self.expense

    @property
    def status(self) -> str:
        return "positive" if self.net > 0 else "negative" if self.net < 0 else "neutral"


def cash_flows(*, user, month: date) -> dict[str, CashFlow]:
    """The month's income and expenses per currency (one query over the monthly totals)."""
    month = month_start(month)
    flows = month_flows(user=user, first=month, last=month)
    return {
        currency: CashFlow(currency=currency, month=month, income=flow.income, expense=flow.spending)
        for currency in _ordered([c for c, _ in flows], user.default_currency)
        for flow in [flows.get((currency, month), Flow())]
    }


# ---------------------------------------------------------------------------
# Top merchants
# ---------------------------------------------------------------------------

def merchant_name():
    """Who was paid: the entry's payee (apps.transactions.payees: "AMZN Mktp US*2K4" and
    "Amazon.com" are one payee), or the category's name for an expense with none."""
    return Coalesce(NullIf("payee", Value("")), "category__name", output_field=CharField())


@dataclass(frozen=True)
class MerchantSpending:
    merchant: str
    total: Decimal


def top_merchants(*, user, month: date, limit: int = TOP_MERCHANTS) -> dict[str, list[MerchantSpending]]:
    """The ``limit`` merchants the most was spent at in the month, per currency, largest first
    (ties A-Z): one grouped query over the month's expense rows, read through the
    (owner, -occurred_on, -id) index bounded to the month's days; the month's rows, not the
    history."""
    month = month_start(month)
    rows = (
        Transaction.objects.filter(owner=user, kind=Transaction.Kind.EXPENSE,
                                   occurred_on__gte=month, occurred_on__lte=month_end(month))
        .values(currency=F("account__currency"), merchant=merchant_name())
        .annotate(total=Sum("amount"))
        .order_by("currency", "-total", "merchant")
    )
    found: dict[str, list[MerchantSpending]] = {}
    for row in rows:
        found.setdefault(row["currency"], []).append(MerchantSpending(merchant=row["merchant"], total=row["total"]))
    return {currency: found.get(currency, [])[:limit] for currency in _ordered(found, user.default_currency)}


# ---------------------------------------------------------------------------
# Burn rate
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BurnRate:
    currency: str
    month: date
    days_elapsed: int  # today's day in the current month, every day of a past one, 0 for a future one
    total: Decimal

    @property
    def days_in_month(self) -> int:
        return month_end(self.month).day

    @property
    def daily(self) -> Decimal:
        """Spent per day so far, to the cent (half up); 0.00 before the month has begun."""
        if not self.days_elapsed:
            return ZERO
        return (self.total / self.days_elapsed).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def projected(self) -> Decimal:
        """The daily rate over the month's real number of days (28 to 31)."""
        return self.daily * self.days_in_month


def days_elapsed(*, month: date, today: date) -> int:
    month = month_start(month)
    if month == month_start(today):
        return today.day
    return month_end(month).day if month < today else 0


def burn_rates(*, user, month: date, today: date | None = None) -> dict[str, BurnRate]:
    """The month's spending per day elapsed, per currency (one query: ``monthly_spending``)."""
    today = today or user_today(user)
    spending = monthly_spending(user=user, month=month)
    elapsed = days_elapsed(month=spending.month, today=today)
    return {
        currency: BurnRate(currency=currency, month=spending.month, days_elapsed=elapsed,
                           total=spending.by_currency[currency].total if currency in spending.by_currency else ZERO)
        for currency in _ordered(spending.by_currency, user.default_currency)
    }


# ---------------------------------------------------------------------------
# Financial health score
# ---------------------------------------------------------------------------
#
# Four components of 25 points, each a plain rule (whole points, half up), so the score is
# their sum and every point is explained:
#   savings rate    (income - spending) / income: 20% or more -> 25, a share of 25 below, 0 if negative
#   spending ratio  spending / income: 50% or less -> 25, 100% or more -> 0, in between a share
#   budgets kept    the share of the active budgets in the currency not exceeded (as of the month's
#                   end, or today); no budget -> 25 (nothing was overspent; the explanation says so)
#   buffer          balances of the open accounts today / average monthly spending of the three whole
#                   months before this one: 3 months or more -> 25, a share below
# A month without income scores 0 on the first two (there is nothing to measure against).
# Unread alerts and reward points are shown as components worth 0 points: an alert may be a
# notice rather than a problem, and points reward using the app rather than money habits.
# Status: 80+ excellent, 60+ good, 40+ warning, below critical.

COMPONENT_POINTS = 25
SAVINGS_TARGET = Decimal("0.20")
RATIO_FULL, RATIO_NONE = Decimal("0.50"), Decimal("1.00")
BUFFER_TARGET_MONTHS = 3
BUFFER_HISTORY_MONTHS = 3
STATUS_THRESHOLDS = ((80, "excellent"), (60, "good"), (40, "warning"))


@dataclass(frozen=True)
class Component:
    name: str
    points: int
    max_points: int
    value: Decimal | int | None  # a percentage, a number of months or a count; None when there is nothing to measure
    explanation: str


@dataclass(frozen=True)
class HealthScore:
    currency: str
    month: date
    components: list[Component]

    @property
    def score(self) -> int:
        return sum(c.points for c in self.components)

    @property
    def status(self) -> str:
        return next((name for floor, name in STATUS_THRESHOLDS if self.score >= floor), "critical")


def _share_of_points(fraction: Decimal) -> int:
    """``fraction`` (clamped to 0..1) of the component's points, to the whole point, half up."""
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return int((fraction * COMPONENT_POINTS).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def _savings_component(flow: Flow, currency: str) -> Component:
    if flow.income <= 0:
        return Component("savings_rate", 0, COMPONENT_POINTS, None,
                         f"No income in {currency} this month, so there is no savings rate to score (0 points).")
    rate = flow.net / flow.income
    points = _share_of_points(rate / SAVINGS_TARGET)
    return Component("savings_rate", points, COMPONENT_POINTS, _percent(flow.net, flow.income),
                     f"You kept {_percent(flow.net, flow.income)}% of your income ({flow.net} of {flow.income} "
                     f"{currency}). Keeping 20% or more earns all {COMPONENT_POINTS} points, less earns a share, "
                     "spending more than you earn earns none.")


def _ratio_component(flow: Flow, currency: str) -> Component:
    if flow.income <= 0:
        return Component("expense_income_ratio", 0, COMPONENT_POINTS, None,
                         f"No income in {currency} this month to compare your spending with (0 points).")
    ratio = flow.spending / flow.income
    points = _share_of_points((RATIO_NONE - ratio) / (RATIO_NONE - RATIO_FULL))
    return Component("expense_income_ratio", points, COMPONENT_POINTS, _percent(flow.spending, flow.income),
                     f"You spent {_percent(flow.spending, flow.income)}% of your income ({flow.spending} of "
                     f"{flow.income} {currency}). Spending half of it or less earns all {COMPONENT_POINTS} points, "
                     "spending all of it or more earns none, in between earns a share.")


def _budgets_component(statuses, currency: str) -> Component:
    if not statuses:
        return Component("budgets_kept", COMPONENT_POINTS, COMPONENT_POINTS, None,
                         f"You have no active budget in {currency}, so none was overspent: all {COMPONENT_POINTS} "
                         "points. Set a budget to make this count.")
    kept = sum(1 for s in statuses if not s.exceeded)
    points = _share_of_points(Decimal(kept) / len(statuses))
    return Component("budgets_kept", points, COMPONENT_POINTS, _percent(Decimal(kept), Decimal(len(statuses))),
                     f"You kept {kept} of your {len(statuses)} {currency} budgets within their limit. Each budget "
                     f"kept earns its share of {COMPONENT_POINTS} points.")


def _buffer_component(balance: Decimal, average: Decimal, currency: str) -> Component:
    target = (f"Enough for {BUFFER_TARGET_MONTHS} months or more earns all {COMPONENT_POINTS} points, "
              "less earns a share.")
    if average <= 0:
        points = COMPONENT_POINTS if balance > 0 else 0
        return Component("buffer_months", points, COMPONENT_POINTS, None,
                         f"No spending in {currency} in the {BUFFER_HISTORY_MONTHS} months before this one to measure "
                         f"your balance of {balance} {currency} against ({points} points).")
    months = balance / average
    return Component("buffer_months", _share_of_points(months / BUFFER_TARGET_MONTHS), COMPONENT_POINTS,
                     months.quantize(TENTH, rounding=ROUND_HALF_UP),
                     f"Your balance of {balance} {currency} would cover "
                     f"{months.quantize(TENTH, rounding=ROUND_HALF_UP)} months of your average spending "
                     f"({average.quantize(CENT, rounding=ROUND_HALF_UP)} {currency} a month over the "
                     f"{BUFFER_HISTORY_MONTHS} months before this one). {target}")


def _informational(unread_alerts: int, reward_points: int) -> list[Component]:
    return [
        Component("unread_alerts", 0, 0, unread_alerts,
                  f"Unread alerts: {unread_alerts}. Shown for information, worth no points: an alert "
                  "can be a notice rather than a problem, and reading it changes nothing about your money."),
        Component("reward_points", 0, 0, reward_points,
                  f"Reward points: {reward_points}. Shown for information, worth no points: points "
                  "reward using BankDash, not how you manage your money."),
    ]


def health_scores(*, user, month: date, today: date | None = None) -> dict[str, HealthScore]:
    """The month's health score per currency: the income and spending of the month and of
    the three before it (one query), the budgets (the budget selector's two), the balances,
    the unread alerts and the reward points (one each)."""
    today = today or user_today(user)
    month = month_start(month)
    history_start = shift_month(month, -BUFFER_HISTORY_MONTHS)
    flows = month_flows(user=user, first=history_start, last=month)
    budgets = budget_vs_actual(user=user, month=month, today=today)
    balances = {row["currency"]: row["total"] for row in account_totals_by_currency(user=user)}
    extras = _informational(Alert.objects.filter(owner=user).unread().count(), points_total(user=user))
    currencies = {c for c, _ in flows} | {b.currency for b in budgets} | {c for c, v in balances.items() if v}
    scores = {}
    for currency in _ordered(currencies, user.default_currency):
        flow = flows.get((currency, month), Flow())
        spent_before = sum((flows.get((currency, shift_month(history_start, i)), Flow()).spending
                            for i in range(BUFFER_HISTORY_MONTHS)), ZERO)
        scores[currency] = HealthScore(currency=currency, month=month, components=[
            _savings_component(flow, currency),
            _ratio_component(flow, currency),
            _budgets_component([b for b in budgets if b.currency == currency], currency),
            _buffer_component(balances.get(currency, ZERO), spent_before / BUFFER_HISTORY_MONTHS, currency),
            *extras,
        ])
    return scores
