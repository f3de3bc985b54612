"""What ``GET /insights/...`` reads: spending and its trend, cash flow, top merchants, the
financial health score and the burn rate of one month; and ``insights_page``, everything the
Insights page (``GET /insights/``) shows for twelve months.

Every money figure is per currency (amounts in two currencies are never added), in a dict
keyed by currency code whose first key is the user's default currency (always there; another
currency only when it has figures). Money comes from the ledger's monthly totals
(``MonthlyTotal``), never from a scan of the user's history; the merchants come from the
``MerchantMonth`` cache (apps.insights.merchants), whose fill reads one month's expenses.
Months are first days of months and "today" is the user's (``apps.core.dates``). Transfers
are neither income nor spending: the monthly totals hold income and expenses only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from apps.accounts.models import Account
from apps.accounts.selectors import account_totals_by_currency
from apps.alerts.selectors import unread_count
from apps.budgets.models import Budget
from apps.budgets.selectors import budget_vs_actual
from apps.core.currencies import currency_order
from apps.core.dates import month_end, month_label, month_start, shift_month, user_today
from apps.core.money import format_amount, format_money
from apps.rewards.selectors import points_total
from apps.transactions.models import DEFAULT_CATEGORY_LABELS, Category, MonthlyTotal, Transaction, category_label
from apps.transactions.selectors import category_colour_expression, income_vs_spending, monthly_spending

from .merchants import merchant_spending

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

@dataclass(frozen=True)
class MerchantSpending:
    merchant: str
    total: Decimal


def top_merchants(*, user, month: date, limit: int = TOP_MERCHANTS) -> dict[str, list[MerchantSpending]]:
    """The ``limit`` merchants the most was spent at in the month, per currency, largest first
    (ties A-Z). A merchant is a payee (the same letters in any case are one, as the transactions
    list's ``merchant=`` filter matches them); expenses without a payee are grouped per category,
    under the category's name. Read through the ``MerchantMonth`` cache (apps.insights.merchants:
    one query when it holds the month; otherwise one grouped read of the month's expense rows,
    never the history, and one write), plus the names of the categories of expenses without a
    payee when there are any."""
    month = month_start(month)
    rows = merchant_spending(user=user, months=[month])
    category_ids = {row["no_payee_category"] for row in rows if row["no_payee_category"] is not None}
    names = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name")) if category_ids else {}
    found: dict[str, list[MerchantSpending]] = {}
    for row in rows:
        category_id = row["no_payee_category"]
        name = row["name"] if category_id is None else names.get(category_id, "")
        found.setdefault(row["currency"], []).append(MerchantSpending(merchant=name, total=row["amount"]))
    for merchants in found.values():
        merchants.sort(key=lambda m: (-m.total, m.merchant))
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
# What the Insights page calls the score's status and each component (the JSON keeps the codes).
STATUS_LABELS = {"excellent": gettext_lazy("excellent"), "good": gettext_lazy("good"),
                 "warning": gettext_lazy("warning"), "critical": gettext_lazy("critical")}
COMPONENT_LABELS = {
    "savings_rate": gettext_lazy("Savings rate"),
    "expense_income_ratio": gettext_lazy("Expense income ratio"),
    "budgets_kept": gettext_lazy("Budgets kept"),
    "buffer_months": gettext_lazy("Buffer months"),
    "unread_alerts": gettext_lazy("Unread alerts"),
    "reward_points": gettext_lazy("Reward points"),
}


@dataclass(frozen=True)
class Component:
    name: str
    points: int
    max_points: int
    value: Decimal | int | None  # a percentage, a number of months or a count; None when there is nothing to measure
    explanation: str

    @property
    def label(self) -> str:
        """"savings_rate" -> "Savings rate": what the Insights page calls the component."""
        return str(COMPONENT_LABELS.get(self.name, self.name.replace("_", " ").capitalize()))


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

    @property
    def status_label(self) -> str:
        """The status in the customer's language ("excellent", "ausgezeichnet")."""
        return str(STATUS_LABELS.get(self.status, self.status))


def _share_of_points(fraction: Decimal) -> int:
    """``fraction`` (clamped to 0..1) of the component's points, to the whole point, half up."""
    fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return int((fraction * COMPONENT_POINTS).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> str:
    """A percentage or a number of months in the customer's locale: "62.5" (en), "62,5" (de)."""
    return number_format(value, use_l10n=True)


def _savings_component(flow: Flow, currency: str) -> Component:
    if flow.income <= 0:
        return Component("savings_rate", 0, COMPONENT_POINTS, None,
                         _("No income in %(currency)s this month, so there is no savings rate to score "
                           "(0 points).") % {"currency": currency})
    rate = flow.net / flow.income
    points = _share_of_points(rate / SAVINGS_TARGET)
    return Component("savings_rate", points, COMPONENT_POINTS, _percent(flow.net, flow.income),
                     _("You kept %(percent)s%% of your income (%(net)s of %(income)s). Keeping 20%% or more earns "
                       "all %(points)s points, less earns a share, spending more than you earn earns none.") % {
                         "percent": _number(_percent(flow.net, flow.income)),
                         "net": format_money(flow.net, currency), "income": format_money(flow.income, currency),
                         "points": COMPONENT_POINTS})


def _ratio_component(flow: Flow, currency: str) -> Component:
    if flow.income <= 0:
        return Component("expense_income_ratio", 0, COMPONENT_POINTS, None,
                         _("No income in %(currency)s this month to compare your spending with (0 points).")
                         % {"currency": currency})
    ratio = flow.spending / flow.income
    points = _share_of_points((RATIO_NONE - ratio) / (RATIO_NONE - RATIO_FULL))
    return Component("expense_income_ratio", points, COMPONENT_POINTS, _percent(flow.spending, flow.income),
                     _("You spent %(percent)s%% of your income (%(spent)s of %(income)s). Spending half of it or "
                       "less earns all %(points)s points, spending all of it or more earns none, in between earns "
                       "a share.") % {
                         "percent": _number(_percent(flow.spending, flow.income)),
                         "spent": format_money(flow.spending, currency),
                         "income": format_money(flow.income, currency), "points": COMPONENT_POINTS})


def _budgets_component(statuses, currency: str) -> Component:
    if not statuses:
        return Component("budgets_kept", COMPONENT_POINTS, COMPONENT_POINTS, None,
                         _("You have no active budget in %(currency)s, so none was overspent: all %(points)s "
                           "points. Set a budget to make this count.") % {"currency": currency,
                                                                          "points": COMPONENT_POINTS})
    kept = sum(1 for s in statuses if not s.exceeded)
    points = _share_of_points(Decimal(kept) / len(statuses))
    return Component("budgets_kept", points, COMPONENT_POINTS, _percent(Decimal(kept), Decimal(len(statuses))),
                     _("You kept %(kept)s of your %(count)s %(currency)s budgets within their limit. Each budget "
                       "kept earns its share of %(points)s points.") % {
                         "kept": kept, "count": len(statuses), "currency": currency, "points": COMPONENT_POINTS})


def _buffer_component(balance: Decimal, average: Decimal, currency: str) -> Component:
    if average <= 0:
        points = COMPONENT_POINTS if balance > 0 else 0
        return Component("buffer_months", points, COMPONENT_POINTS, None,
                         _("No spending in %(currency)s in the %(history)s months before this one to measure your "
                           "balance of %(balance)s against (%(points)s points).") % {
                             "currency": currency, "history": BUFFER_HISTORY_MONTHS,
                             "balance": format_money(balance, currency), "points": points})
    months = balance / average
    return Component("buffer_months", _share_of_points(months / BUFFER_TARGET_MONTHS), COMPONENT_POINTS,
                     months.quantize(TENTH, rounding=ROUND_HALF_UP),
                     _("Your balance of %(balance)s would cover %(months)s months of your average spending "
                       "(%(average)s a month over the %(history)s months before this one). Enough for %(target)s "
                       "months or more earns all %(points)s points, less earns a share.") % {
                         "balance": format_money(balance, currency),
                         "months": _number(months.quantize(TENTH, rounding=ROUND_HALF_UP)),
                         "average": format_money(average.quantize(CENT, rounding=ROUND_HALF_UP), currency),
                         "history": BUFFER_HISTORY_MONTHS, "target": BUFFER_TARGET_MONTHS,
                         "points": COMPONENT_POINTS})


def _informational(unread_alerts: int, reward_points: int) -> list[Component]:
    return [
        Component("unread_alerts", 0, 0, unread_alerts,
                  _("Unread alerts: %(count)s. Shown for information, worth no points: an alert can be a notice "
                    "rather than a problem, and reading it changes nothing about your money.")
                  % {"count": unread_alerts}),
        Component("reward_points", 0, 0, reward_points,
                  _("Reward points: %(count)s. Shown for information, worth no points: points reward using "
                    "BankDash, not how you manage your money.") % {"count": reward_points}),
    ]


def health_scores(*, user, month: date, today: date | None = None, budgets=None) -> dict[str, HealthScore]:
    """The month's health score per currency: the income and spending of the month and of
    the three before it (one query), the budgets (the budget selector's two, unless the
    caller has read ``budget_vs_actual`` for the same month and day already), the balances,
    the unread alerts and the reward points (one each)."""
    today = today or user_today(user)
    month = month_start(month)
    history_start = shift_month(month, -BUFFER_HISTORY_MONTHS)
    flows = month_flows(user=user, first=history_start, last=month)
    if budgets is None:
        budgets = budget_vs_actual(user=user, month=month, today=today)
    balances = {row["currency"]: row["total"] for row in account_totals_by_currency(user=user)}
    extras = _informational(unread_count(user=user), points_total(user=user))
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


# ---------------------------------------------------------------------------
# The Insights page (GET /insights/): twelve months, per currency, every figure linked
# ---------------------------------------------------------------------------
#
# Each figure a customer can check is a ``Figure``: its amount, its currency and the filters of
# the transactions list (``month``, ``category``, ``merchant``, ``account``, ``kind``) that show
# exactly the entries it adds up, with which of the list's totals ("in", "out" or "net") equals
# it. Derived figures (a net, a savings rate, a projection, a month-end balance) have no single
# list that adds up to them and are shown without a link, next to the linked figures they come
# from.

PAGE_MONTHS = 12
MOVERS = 3  # categories named in the month-over-month sentence


@dataclass(frozen=True)
class Figure:
    amount: Decimal
    currency: str
    filters: tuple[tuple[str, str], ...]
    total: str = "out"  # the list's total that equals ``amount``: "in", "out" or "net"

    @property
    def query(self) -> str:
        return urlencode(self.filters)


def _spent(amount: Decimal, currency: str, month: date, category_id: int | None = None) -> Figure:
    filters = [("month", month_label(month))]
    if category_id is not None:
        filters.append(("category", str(category_id)))
    return Figure(amount, currency, (*filters, ("kind", Transaction.Kind.EXPENSE)), "out")


def _earned(amount: Decimal, currency: str, month: date, category_id: int | None = None) -> Figure:
    filters = [("month", month_label(month))]
    if category_id is not None:
        filters.append(("category", str(category_id)))
    return Figure(amount, currency, (*filters, ("kind", Transaction.Kind.INCOME)), "in")


@dataclass(frozen=True)
class CashFlowMonth:
    month: date
    income: Figure
    spending: Figure

    @property
    def net(self) -> Decimal:
        return self.income.amount - self.spending.amount

    @property
    def savings_rate(self) -> Decimal | None:
        """The share of the month's income not spent, in % to one decimal; None without income."""
        if self.income.amount <= 0:
            return None
        return _percent(self.net, self.income.amount)


@dataclass(frozen=True)
class CategoryYear:
    """One category's spending in each of the twelve months (a stacked bar per month)."""

    category_id: int
    name: str
    months: list[Figure]
    colour: str = ""  # the customer's colour for the category, "" when none was chosen

    @property
    def total(self) -> Decimal:
        return sum((f.amount for f in self.months), ZERO)


@dataclass(frozen=True)
class CategoryChange:
    category_id: int
    name: str
    now: Figure
    before: Figure

    @property
    def change(self) -> Decimal:
        return self.now.amount - self.before.amount


@dataclass(frozen=True)
class MerchantTrend:
    """A merchant's spending in the month and in the month before. Entries without a payee are
    grouped per category ("Food, no payee"): the transactions list cannot show them apart from
    the category's other entries, so that row links the category's whole spending instead
    (``category_spending``) and says so."""

    name: str
    has_payee: bool
    now: Decimal
    before: Decimal
    now_figure: Figure | None  # a list of exactly these entries (None for a group without payee)
    before_figure: Figure | None
    category_spending: Figure | None = None  # the whole category's spending in the month (no payee only)

    @property
    def change(self) -> Decimal:
        return self.now - self.before

    @property
    def trend(self) -> str:
        return "increase" if self.change > 0 else "decrease" if self.change < 0 else "no_change"


@dataclass(frozen=True)
class BudgetProjection:
    """A budget's spending so far in its period, and where it is heading by the period's end:
    what was spent so far plus what the customer usually spends in the rest of a period
    (``BudgetStatus.usual_rest``, over ``USUAL_PERIODS``); without such a history, the pace so far
    carried to the period's end. (The pace alone told a customer whose rent goes out on the 2nd,
    on the 3rd, that it would reach ten times the rent.)"""

    status: object  # apps.budgets.selectors.BudgetStatus
    days_elapsed: int
    days_in_period: int
    spent: Figure | None  # linked when the period is the calendar month shown

    @property
    def usual_rest(self) -> Decimal | None:
        return self.status.usual_rest

    @property
    def projected(self) -> Decimal:
        if not self.days_elapsed:
            return ZERO
        if self.days_elapsed >= self.days_in_period:
            return self.status.spent
        if self.usual_rest is not None:
            return (self.status.spent + self.usual_rest).quantize(CENT, rounding=ROUND_HALF_UP)
        if self.days_elapsed < MIN_PACE_DAYS:  # too few days for a pace: a new customer's rent on the 2nd
            return self.status.spent
        return (self.status.spent * self.days_in_period / self.days_elapsed).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def projected_over(self) -> Decimal:
        """How far the projection goes past the limit (0.00 when it stays within)."""
        return max(self.projected - self.status.limit, ZERO)


@dataclass(frozen=True)
class NetWorthMonth:
    month: date
    total: Decimal  # the month-end balances of all accounts in the currency, credit cards negative


@dataclass(frozen=True)
class AccountBalance:
    account_id: int
    name: str
    kind: str
    balance: Figure  # today's balance: the net of every entry of the account (its list, unfiltered by month)


@dataclass(frozen=True)
class SankeyFlow:
    source: str  # node keys: "in:<category>", "hub", "out:<category>", "saved", "drawn"
    target: str
    amount: Decimal
    figure: Figure | None  # None for the derived flows (saved, drawn from balances)
    source_label: str = ""
    target_label: str = ""

    @property
    def label(self) -> str:
        """The category the flow stands for: where income came from, or where spending went."""
        return self.source_label if self.target == "hub" else self.target_label


@dataclass(frozen=True)
class CurrencyInsights:
    currency: str
    cash_flow: list[CashFlowMonth]
    categories: list[CategoryYear]
    changes: list[CategoryChange]
    merchants: list[MerchantTrend]
    burn: BurnRate
    month_spending: Figure
    budgets: list[BudgetProjection]
    net_worth: list[NetWorthMonth]
    accounts: list[AccountBalance]
    flows: list[SankeyFlow]
    node_labels: dict[str, str]
    health: HealthScore | None

    @property
    def this_month(self) -> CashFlowMonth:
        return self.cash_flow[-1]

    @property
    def movers(self) -> str:
        """'Food +84.20, Transport -31.00': the categories that moved most since last month."""
        moved = [c for c in self.changes if c.change][:MOVERS]
        return ", ".join(f"{c.name.capitalize()} {'+' if c.change > 0 else '-'}{format_amount(abs(c.change))}"
                         for c in moved)

    @property
    def has_flows(self) -> bool:
        return any(m.income.amount or m.spending.amount for m in self.cash_flow)


@dataclass(frozen=True)
class InsightsPage:
    month: date
    today: date
    months: list[date]
    has_accounts: bool
    sections: list[CurrencyInsights]

    @property
    def unread_alerts(self) -> int | None:
        """The health score's count of unread alerts (the navigation shows it too)."""
        for s in self.sections:
            if s.health:
                return next((c.value for c in s.health.components if c.name == "unread_alerts"), None)
        return None

    @property
    def is_current_month(self) -> bool:
        return self.month == month_start(self.today)

    @property
    def previous_month(self) -> date:
        return self.months[-2]

    @property
    def has_entries(self) -> bool:
        return any(s.has_flows for s in self.sections)


def _page_totals(*, user, first: date):
    """The monthly totals from ``first`` on (the twelve months shown and any later month, which
    the month-end balances need): one grouped query, its size set by months and categories.
    Its accounts are the customer's (``account__owner``): joined by id alone, PostgreSQL hashed
    every customer's accounts (1.7 ms with 2,000 customers, growing with their number)."""
    return list(
        MonthlyTotal.objects.filter(owner=user, account__owner=user, month__gte=first, count__gt=0)
        .values("month", "kind", "category_id", currency=F("account__currency"), category_name=F("category__name"),
                colour=category_colour_expression(user=user))
        .annotate(amount=Sum("total"))
        .order_by()
    )


def _other_balance_changes(*, user, first: date) -> dict[tuple[str, date], Decimal]:
    """(currency, month) -> what openings and staff corrections (kinds "opening",
    "adjustment_in", "adjustment_out") changed balances by, from ``first`` on. These are not
    in the monthly totals, so this is the one read of ledger rows for the net worth: a few
    rows per user (one opening per account, rare corrections), reached through the
    (owner, category, date) index, since they have no category. Transfers are left out: both
    legs are in one currency, so they never change a currency's total."""
    credit = Sum("amount", filter=Q(kind__in=[Transaction.Kind.OPENING, Transaction.Kind.ADJUSTMENT_IN]),
                 default=ZERO)
    debit = Sum("amount", filter=Q(kind=Transaction.Kind.ADJUSTMENT_OUT), default=ZERO)
    rows = (
        Transaction.objects.filter(owner=user, account__owner=user, category__isnull=True, occurred_on__gte=first,
                                   kind__in=[Transaction.Kind.OPENING, Transaction.Kind.ADJUSTMENT_IN,
                                             Transaction.Kind.ADJUSTMENT_OUT])
        .values(currency=F("account__currency"), month=TruncMonth("occurred_on"))
        .annotate(change=credit - debit)
        .order_by()
    )
    return {(row["currency"], month_start(row["month"])): row["change"] for row in rows}


def _budget_projection(status, category_id, *, month: date) -> BudgetProjection:
    days_in_period = (status.period_end - status.period_start).days + 1
    elapsed = max(0, min((status.as_of - status.period_start).days + 1, days_in_period))
    whole_month = status.period_start == month and status.period_end == month_end(month)
    spent = _spent(status.spent, status.currency, month, category_id) if whole_month and category_id else None
    return BudgetProjection(status=status, days_elapsed=elapsed, days_in_period=days_in_period, spent=spent)


MIN_PACE_DAYS = 7  # without earlier periods, the pace is carried to the period's end only after a week
USUAL_PERIODS = 3  # the periods before a budget's current one that say what its rest usually brings


def insights_page(*, user, month: date, today: date | None = None) -> InsightsPage:
    """Everything the Insights page shows for ``month`` and the eleven months before it, per
    currency (the default currency first), in a fixed number of queries whatever the history:
    the accounts, the monthly totals from the first month shown on, the openings and
    corrections since then, two months of spending per merchant (one read of the
    ``MerchantMonth`` cache; on a miss one grouped read of the months' expenses and a write
    per month: apps.insights.merchants), the budgets (two),
    their categories, and the health score's four (it shares the budgets read here)."""
    today = today or user_today(user)
    month = month_start(month)
    first = shift_month(month, -(PAGE_MONTHS - 1))
    previous = shift_month(month, -1)
    months = [shift_month(first, i) for i in range(PAGE_MONTHS)]

    accounts = list(Account.objects.filter(owner=user).values("id", "name", "kind", "currency", "balance")
                    .order_by("closed_on", "name", "id"))
    totals = _page_totals(user=user, first=first)
    others = _other_balance_changes(user=user, first=first)
    merchant_rows = merchant_spending(user=user, months=[previous, month])
    budgets = budget_vs_actual(user=user, month=month, today=today, usual_periods=USUAL_PERIODS)
    budget_categories = dict(Budget.objects.filter(pk__in=[b.budget_id for b in budgets])
                             .values_list("pk", "category_id")) if budgets else {}
    health = health_scores(user=user, month=month, today=today, budgets=budgets)

    # (currency, kind, category_id, month) -> total; category names by id
    amounts: dict[tuple, Decimal] = {}
    month_sums: dict[tuple, Decimal] = {}  # (currency, kind, month) -> total
    names: dict[int, str] = {}
    colours: dict[int, str] = {}
    net_by_month: dict[tuple[str, date], Decimal] = {}
    for row in totals:
        key = (row["currency"], row["kind"], row["category_id"], row["month"])
        amounts[key] = amounts.get(key, ZERO) + row["amount"]
        month_sums[key[:2] + key[3:]] = month_sums.get(key[:2] + key[3:], ZERO) + row["amount"]
        name = row["category_name"]
        names[row["category_id"]] = category_label(name, is_default=name in DEFAULT_CATEGORY_LABELS)
        colours[row["category_id"]] = row["colour"] or ""
        sign = 1 if row["kind"] == "income" else -1
        net_by_month[(row["currency"], row["month"])] = (net_by_month.get((row["currency"], row["month"]), ZERO)
                                                         + sign * row["amount"])
    for key, change in others.items():
        net_by_month[key] = net_by_month.get(key, ZERO) + change

    currencies = _ordered({a["currency"] for a in accounts} | {r["currency"] for r in totals if r["month"] <= month}
                          | {r["currency"] for r in merchant_rows} | {b.currency for b in budgets},
                          user.default_currency)
    sections = []
    for currency in currencies:
        def total(kind, m, category_id=None, currency=currency):
            if category_id is None:
                return month_sums.get((currency, kind, m), ZERO)
            return amounts.get((currency, kind, category_id, m), ZERO)

        cash_flow = [CashFlowMonth(month=m, income=_earned(total("income", m), currency, m),
                                   spending=_spent(total("expense", m), currency, m)) for m in months]

        spent_ids = {cid for (c, k, cid, m) in amounts if c == currency and k == "expense" and first <= m <= month}
        categories = sorted(
            (CategoryYear(category_id=cid, name=names[cid], colour=colours[cid],
                          months=[_spent(total("expense", m, cid), currency, m, cid) for m in months])
             for cid in spent_ids),
            key=lambda c: (-c.total, c.name.lower()),
        )

        moved_ids = {cid for (c, k, cid, m) in amounts if c == currency and k == "expense" and m in (previous, month)}
        changes = sorted(
            (CategoryChange(category_id=cid, name=names[cid], now=_spent(total("expense", month, cid), currency,
                                                                          month, cid),
                            before=_spent(total("expense", previous, cid), currency, previous, cid))
             for cid in moved_ids),
            key=lambda c: (-abs(c.change), c.name.lower()),
        )

        merchants = _merchants_of(currency, merchant_rows, names, month=month, previous=previous, total=total)

        spent_now = total("expense", month)
        burn = BurnRate(currency=currency, month=month, days_elapsed=days_elapsed(month=month, today=today),
                        total=spent_now)
        budget_rows = [_budget_projection(b, budget_categories.get(b.budget_id), month=month)
                       for b in budgets if b.currency == currency]

        own_accounts = [a for a in accounts if a["currency"] == currency]
        balance_now = sum((a["balance"] for a in own_accounts), ZERO)
        later = {m: v for (c, m), v in net_by_month.items() if c == currency}
        net_worth = [NetWorthMonth(month=m, total=balance_now - sum((v for mm, v in later.items() if mm > m), ZERO))
                     for m in months]
        account_rows = [AccountBalance(account_id=a["id"], name=a["name"], kind=a["kind"],
                                       balance=Figure(a["balance"], currency, (("account", str(a["id"])),), "net"))
                        for a in own_accounts]

        flows, labels = _sankey(currency, month, amounts, names)
        sections.append(CurrencyInsights(
            currency=currency, cash_flow=cash_flow, categories=categories, changes=changes, merchants=merchants,
            burn=burn, month_spending=_spent(spent_now, currency, month), budgets=budget_rows,
            net_worth=net_worth, accounts=account_rows, flows=flows, node_labels=labels,
            health=health.get(currency),
        ))
    return InsightsPage(month=month, today=today, months=months, has_accounts=bool(accounts), sections=sections)


def _merchants_of(currency, rows, names, *, month, previous, total) -> list[MerchantTrend]:
    groups: dict[tuple, dict] = {}
    for row in rows:
        if row["currency"] != currency:
            continue
        key = (row["key"], row["no_payee_category"])
        group = groups.setdefault(key, {"now": ZERO, "before": ZERO, "name": row["name"]})
        group["now" if month_start(row["month"]) == month else "before"] += row["amount"]
        group["name"] = max(group["name"], row["name"])
    found = []
    for (_key, category_id), group in groups.items():
        if not group["now"]:
            continue
        if category_id is None:
            payee = group["name"]
            found.append(MerchantTrend(
                name=payee, has_payee=True, now=group["now"], before=group["before"],
                now_figure=Figure(group["now"], currency, (("month", month_label(month)), ("merchant", payee),
                                                           ("kind", Transaction.Kind.EXPENSE))),
                before_figure=Figure(group["before"], currency, (("month", month_label(previous)), ("merchant", payee),
                                                                 ("kind", Transaction.Kind.EXPENSE)))
                if group["before"] else None))
        else:
            found.append(MerchantTrend(
                name=names.get(category_id, ""), has_payee=False, now=group["now"], before=group["before"],
                now_figure=None, before_figure=None,
                category_spending=_spent(total("expense", month, category_id), currency, month, category_id)))
    found.sort(key=lambda m: (-m.now, m.name.lower()))
    return found[:TOP_MERCHANTS]


def _sankey(currency, month, amounts, names) -> tuple[list[SankeyFlow], dict[str, str]]:
    """Income per category -> the month's money in -> spending per category, plus what was
    left ("Saved") or what spending took beyond the income ("From balances")."""
    income = {cid: v for (c, k, cid, m), v in amounts.items() if c == currency and k == "income" and m == month}
    spending = {cid: v for (c, k, cid, m), v in amounts.items() if c == currency and k == "expense" and m == month}
    if not income and not spending:
        return [], {}
    labels = {"hub": pgettext("money flow", "Money in")}
    flows = []
    for cid, amount in sorted(income.items(), key=lambda i: (-i[1], names[i[0]])):
        labels[f"in:{cid}"] = _("%(category)s (income)") % {"category": names[cid].capitalize()}
        flows.append(SankeyFlow(f"in:{cid}", "hub", amount, _earned(amount, currency, month, cid)))
    earned, spent = sum(income.values(), ZERO), sum(spending.values(), ZERO)
    if spent > earned:
        labels["drawn"] = _("From balances")
        flows.append(SankeyFlow("drawn", "hub", spent - earned, None))
    for cid, amount in sorted(spending.items(), key=lambda i: (-i[1], names[i[0]])):
        labels[f"out:{cid}"] = names[cid].capitalize()
        flows.append(SankeyFlow("hub", f"out:{cid}", amount, _spent(amount, currency, month, cid)))
    if earned > spent:
        labels["saved"] = _("Not spent")
        flows.append(SankeyFlow("hub", "saved", earned - spent, None))
    return [SankeyFlow(fl.source, fl.target, fl.amount, fl.figure, labels[fl.source], labels[fl.target])
            for fl in flows], labels
