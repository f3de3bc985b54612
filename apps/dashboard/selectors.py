"""Everything the dashboard page and ``GET /dashboard/overview`` read.

Each selector is a fixed number of queries aggregated in PostgreSQL over the
accounts (a handful of rows per user) and the monthly totals (one row per account,
category, month and kind), never over the user's transaction history; the one
query that reads transactions takes the newest six through the
``(owner, -occurred_on, -id)`` index. So the cost of the dashboard does not grow
with the number of transactions. (A month other than the current one also reads
the entries dated after its last day, through the (account, -occurred_on) index,
to give the balances as they were then.)

The JSON overview reads its figures as plain rows in one statement plus the budgets'
two queries (issue 17: building ORM queries and model instances was most of its time).
With ``REDIS_URL`` set, the figures made of the ledger (the month's categories, the six
months, the budgets' spending) are cached under the user's ledger version, which every
ledger change raises in its own transaction: a cached figure is never a stale one.

Amounts in different currencies are never added: every total is per currency, the
user's default currency first. Months are first days of months; "today" is the date
in the user's time zone (``apps.core.dates``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from apps.accounts.models import Account, OnboardingProgress
from apps.accounts.selectors import accounts_by_name
from apps.alerts.selectors import UNREAD_COUNT_SQL
from apps.bills.forecast import ACTIVE_ITEMS_SQL, Event, Forecast, account_forecasts
from apps.budgets.models import Budget
from apps.budgets.selectors import (
    ACTIVE_BUDGETS_JSON_SQL,
    BudgetStatus,
    active_budgets_of,
    budget_vs_actual,
    spent_in_windows,
)
from apps.core import versions
from apps.core.currencies import currency_order
from apps.core.dates import month_end, month_label, month_start, user_today
from apps.core.db import column, table
from apps.rewards.selectors import POINTS_TOTAL_SQL
from apps.transactions.models import Category, LedgerVersion, MonthlyTotal, Transaction
from apps.transactions.selectors import (
    MonthFlow,
    MonthlySpending,
    income_vs_spending,
    monthly_spending,
)
from bankdash.dbcursor import BOUNDED_LEDGER_READ

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def balances_as_of(*, month: date, today: date) -> date | None:
    """None for the current month (today's balances); the last day of any other month."""
    return None if month_start(month) == month_start(today) else month_end(month)


# ---------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountSummary:
    # The accounts open on ``as_of`` (today: the open ones), each with ``balance_on``, its
    # balance at the end of ``as_of`` (today: its balance).
    accounts: list[Account]
    by_currency: dict[str, Decimal]  # currency -> total balance, default currency first
    default_currency: str
    as_of: date | None = None  # None: today's balances

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


def _effect_after(*, user, day: date) -> Subquery:
    """What an account's entries dated after ``day`` did to its balance (credits +, debits -)."""
    signed = Case(When(kind__in=Transaction.CREDIT_KINDS, then=F("amount")), default=-F("amount"),
                  output_field=MONEY)
    later = (
        Transaction.objects.filter(owner=user, account=OuterRef("pk"), occurred_on__gt=day)
        .order_by()
        .values("account")
        .annotate(effect=Sum(signed))
        .values("effect")
    )
    return Coalesce(Subquery(later, output_field=MONEY), Value(ZERO), output_field=MONEY)


def account_summary(*, user, as_of: date | None = None) -> AccountSummary:
    """The user's accounts and their totals per currency, in one query.

    Without ``as_of``: the open accounts with today's balances. With it: the accounts
    open at the end of that day (opened by then, not yet closed) with their balances
    then, the stored balance less the effect of every entry dated after it (one grouped
    subquery per account over its (account, -occurred_on) index). The per-currency totals
    add up the few rows read (a window in SQL would run those subqueries a second time)."""
    if as_of is None:
        accounts = accounts_by_name(user=user, open_only=True)
    else:
        accounts = list(
            Account.objects.filter(owner=user)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of), opened_on__lte=as_of)
            .annotate(balance_on=F("balance") - _effect_after(user=user, day=as_of))
            .order_by("name", "id")
        )
    totals: dict[str, Decimal] = {}
    for a in accounts:
        totals[a.currency] = totals.get(a.currency, ZERO) + a.balance_on
    default = user.default_currency
    by_currency = {currency: totals[currency] for currency in currency_order(totals, default)}
    return AccountSummary(accounts=accounts, by_currency=by_currency, default_currency=default, as_of=as_of)


# ---------------------------------------------------------------------------
# Months of income and spending
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Transactions and alerts
# ---------------------------------------------------------------------------

# The newest entries as plain rows (issue 17: the ORM built this statement and three models a
# row on every first visit). Every plan of it is the same index scan with a LIMIT, whoever the
# customer, so it is prepared although it reads the ledger (bankdash/dbcursor.py).
LATEST_COUNT = 6
_LATEST_FIELDS = ("id", "owner_id", "account_id", "kind", "amount", "category_id", "description", "payee",
                  "occurred_on", "transfer_id")


def _latest_sql(*, until: bool) -> str:
    return (
        f"{BOUNDED_LEDGER_READ}SELECT {', '.join(f't.{column(Transaction, name)}' for name in _LATEST_FIELDS)}, "  # noqa: S608
        f"a.{column(Account, 'name')}, a.{column(Account, 'currency')}, c.{column(Category, 'owner')}, "
        f"c.{column(Category, 'name')} FROM {table(Transaction)} t "
        f"JOIN {table(Account)} a ON a.{column(Account, 'id')} = t.{column(Transaction, 'account')} "
        f"LEFT JOIN {table(Category)} c ON c.{column(Category, 'id')} = t.{column(Transaction, 'category')} "
        f"WHERE t.{column(Transaction, 'owner')} = %s"
        + (f" AND t.{column(Transaction, 'occurred_on')} <= %s" if until else "")
        + f" ORDER BY t.{column(Transaction, 'occurred_on')} DESC, t.{column(Transaction, 'id')} DESC"
        f" LIMIT {LATEST_COUNT}"
    )


_LATEST_SQL = {until: _latest_sql(until=until) for until in (False, True)}


def latest_transactions(*, user, until: date | None = None) -> list[Transaction]:
    """The newest ``LATEST_COUNT`` entries (dated up to ``until``, for a past month), read
    through the (owner, -occurred_on, -id) index with a LIMIT, with their account's name and
    currency and their category: one plain statement, its rows made into models with only what
    the dashboard shows loaded (anything else a caller reads is fetched, as for a deferred field)."""
    with connection.cursor() as cursor:
        cursor.execute(_LATEST_SQL[until is not None], [user.pk] if until is None else [user.pk, until])
        rows = cursor.fetchall()
    db = connection.alias
    latest = []
    for *values, account_name, currency, category_owner, category_name in rows:
        entry = Transaction.from_db(db, _LATEST_FIELDS, values)
        entry.account = Account.from_db(db, ("id", "name", "currency"), (entry.account_id, account_name, currency))
        if entry.category_id is not None:
            entry.category = Category.from_db(db, ("id", "owner_id", "name"),
                                              (entry.category_id, category_owner, category_name))
        latest.append(entry)
    return latest


# ---------------------------------------------------------------------------
# Safe to spend (apps.bills.forecast)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SafeToSpendRow:
    account: Account
    amount: Decimal  # balance - buffer - savings toward the goal - payments due before the next income
    next_income: Event | None
    set_aside: Decimal = ZERO  # the balance saved toward the account's goal, left out of ``amount``


@dataclass(frozen=True)
class SafeToSpend:
    """Per account and per currency (the default one first). Credit cards are left out:
    borrowing is not money to spend."""

    rows: list[SafeToSpendRow]
    by_currency: dict[str, Decimal]
    has_schedule: bool  # any bill, income or transfer on these accounts

    @property
    def is_multi_currency(self) -> bool:
        return len(self.by_currency) > 1


def _safe_to_spend(accounts: list[Account], forecasts: dict[int, Forecast], *, default_currency: str
                   ) -> SafeToSpend | None:
    """Safe to spend on each of ``accounts`` that is not a credit card (borrowing is not money
    to spend); None without such an account."""
    spendable = [a for a in accounts if a.kind != Account.Kind.CREDIT_CARD]
    if not spendable:
        return None
    rows = [SafeToSpendRow(account=a, amount=forecasts[a.pk].safe_to_spend, next_income=forecasts[a.pk].next_income,
                           set_aside=forecasts[a.pk].set_aside)
            for a in spendable]
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.account.currency] = totals.get(row.account.currency, ZERO) + row.amount
    return SafeToSpend(rows=rows,
                       by_currency={c: totals[c] for c in currency_order(totals, default_currency)},
                       has_schedule=any(forecasts[a.pk].has_schedule for a in spendable))


COMING_UP_DAYS = 7  # today and the six days after it
COMING_UP_SHOWN = 6


@dataclass(frozen=True)
class ComingUpRow:
    event: Event  # its day (today for an overdue one), label, signed amount, kind, due_on
    account: Account  # the account it moves: a transfer's is the one it leaves


@dataclass(frozen=True)
class ComingUp:
    """The bills, income and transfers scheduled on the open accounts in the next
    COMING_UP_DAYS days, soonest first: the first COMING_UP_SHOWN (``rows``) of ``count``."""

    rows: list[ComingUpRow]
    count: int
    days: int = COMING_UP_DAYS


def coming_up_of(accounts: list[Account], forecasts: dict[int, Forecast]) -> ComingUp:
    """A transfer between two of ``accounts`` is one line, the side that leaves; its arriving
    side is listed only when the account it leaves is not among them."""
    leaving = set()
    found = []
    for account in accounts:
        for point in forecasts[account.pk].lookahead[:COMING_UP_DAYS]:
            for event in point.events:
                found.append(ComingUpRow(event=event, account=account))
                if event.kind == "transfer_out":
                    leaving.add((event.item_id, event.due_on))
    rows = [row for row in found
            if not (row.event.kind == "transfer_in" and (row.event.item_id, row.event.due_on) in leaving)]
    # Overdue first on today, then money out before money in on a day, then by name.
    rows.sort(key=lambda r: (r.event.day, r.event.due_on or r.event.day, r.event.amount > 0, r.event.label,
                             r.account.name))
    return ComingUp(rows=rows[:COMING_UP_SHOWN], count=len(rows))


@dataclass(frozen=True)
class Outlook:
    """What today's forecasts show on the dashboard."""

    safe_to_spend: SafeToSpend | None
    coming_up: ComingUp


def todays_outlook(*, user, accounts: list[Account], today: date, has_items: bool = True) -> Outlook | None:
    """Safe to spend and what is coming up, from one forecast of each of ``accounts`` (open,
    with today's balances): two queries (the recurring items and their occurrences), one
    without items on them, none when the caller knows there are no items (``has_items=False``),
    whatever the number of accounts and bills; None without an account."""
    if not accounts:
        return None
    forecasts = account_forecasts(user=user, accounts=accounts, today=today, has_items=has_items)
    return Outlook(safe_to_spend=_safe_to_spend(accounts, forecasts, default_currency=user.default_currency),
                   coming_up=coming_up_of(accounts, forecasts))


# ---------------------------------------------------------------------------
# What the JSON overview and the page show
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class OverviewAccounts:
    """The overview's account figures: how many and their total per currency (default first)."""

    total_accounts: int
    by_currency: dict[str, Decimal]
    default_currency: str

    # The same rules as AccountSummary: one currency is its own total, several are never added.
    total_balance = AccountSummary.total_balance
    total_currency = AccountSummary.total_currency
    is_multi_currency = AccountSummary.is_multi_currency


@dataclass(frozen=True)
class OverviewSpending:
    """The month's spending per currency (default first); ``total`` in the default currency."""

    currency: str
    total: Decimal
    by_currency: dict[str, Decimal]

    @property
    def is_multi_currency(self) -> bool:
        return any(currency != self.currency for currency in self.by_currency)


@dataclass(frozen=True)
class Overview:
    """What ``GET /dashboard/overview`` returns."""

    month: date
    accounts: OverviewAccounts
    spending: OverviewSpending
    budgets: list[BudgetStatus]
    alerts_count: int
    ledger_version: int = 0

    @property
    def month_label(self) -> str:
        return month_label(self.month)


def _overview_sql(*, user, month: date, as_of: date | None) -> tuple[str, list]:
    """One statement, plain rows (what, currency, number, amount): the accounts per currency
    (count and balance; at the end of ``as_of`` for another month: the stored balance less
    what the entries dated after it did), the month's spending per currency from the monthly
    totals, the unread alerts, the user's ledger version, and the active budgets (their JSON
    text in the currency's column: ``active_budgets_of``)."""
    accounts_table = Account._meta.db_table
    monthly = MonthlyTotal._meta.db_table
    tx = Transaction._meta.db_table
    version = LedgerVersion._meta.db_table
    if as_of is None:
        balance, which, params = "a.balance", "a.closed_on IS NULL", [user.pk]
    else:
        balance = (f"a.balance - COALESCE((SELECT SUM(CASE WHEN t.kind = ANY(%s) THEN t.amount ELSE -t.amount END) "  # noqa: S608
                   f"FROM {tx} t WHERE t.owner_id = a.owner_id AND t.account_id = a.id AND t.occurred_on > %s), 0)")
        which = "a.opened_on <= %s AND (a.closed_on IS NULL OR a.closed_on > %s)"
        params = [[str(k) for k in Transaction.CREDIT_KINDS], as_of, user.pk, as_of, as_of]
    sql = (
        f"SELECT 'account', a.currency, COUNT(*), SUM({balance}) FROM {accounts_table} a "  # noqa: S608
        f"WHERE a.owner_id = %s AND {which} GROUP BY a.currency "
        f"UNION ALL SELECT 'spent', a.currency, 0, SUM(m.total) FROM {monthly} m "
        f"JOIN {accounts_table} a ON a.id = m.account_id "
        "WHERE m.owner_id = %s AND m.month = %s AND m.kind = %s AND m.count > 0 GROUP BY a.currency "
        f"UNION ALL SELECT 'alerts', '', ({UNREAD_COUNT_SQL}), 0 "
        f"UNION ALL SELECT 'version', '', v.version, 0 FROM {version} v WHERE v.owner_id = %s "
        f"UNION ALL SELECT 'database', {versions.DATABASE_SQL}, 0, 0 "
        f"UNION ALL SELECT 'budgets', ({ACTIVE_BUDGETS_JSON_SQL}), 0, 0"
    )
    return sql, [*params, user.pk, month, MonthlyTotal.Kind.EXPENSE, user.pk, user.pk, user.pk]


def dashboard_overview(*, user, month: date | None = None, today: date | None = None) -> Overview:
    """Accounts (their balances at the end of ``month`` when it is not the current one),
    the month's spending per currency, unread alerts, the ledger version and the active
    budgets in one statement of plain rows, then the budgets' spending (one query, or the
    cache under the ledger version when ``REDIS_URL`` is set)."""
    today = today or user_today(user)
    month = month_start(month or today)
    sql, params = _overview_sql(user=user, month=month, as_of=balances_as_of(month=month, today=today))
    balances: dict[str, Decimal] = {}
    spent: dict[str, Decimal] = {}
    total_accounts = alerts = version = 0
    database = budgets = ""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for what, currency, number, amount in cursor.fetchall():
            if what == "budgets":
                budgets = currency
            elif what == "account":
                total_accounts += number
                balances[currency] = amount
            elif what == "spent":
                spent[currency] = amount
            elif what == "alerts":
                alerts = number
            elif what == "database":
                database = currency
            else:
                version = number
    default = user.default_currency
    figures = LedgerFigures(user=user, ledger_version=ledger_scope(database, version))
    overview = Overview(
        month=month,
        accounts=OverviewAccounts(total_accounts=total_accounts, default_currency=default,
                                  by_currency={c: balances[c] for c in currency_order(balances, default)}),
        spending=OverviewSpending(currency=default, total=spent.get(default, ZERO),
                                  by_currency={c: spent[c] for c in currency_order(spent, default)}),
        budgets=budget_vs_actual(user=user, month=month, today=today, spent_in=figures.spent_in,
                                 budgets=active_budgets_of(budgets)),
        alerts_count=alerts,
        ledger_version=version,
    )
    figures.save()
    return overview


# ---------------------------------------------------------------------------
# The cache of ledger figures (REDIS_URL set)
# ---------------------------------------------------------------------------

CACHE_SECONDS = 24 * 60 * 60  # a new ledger version makes new keys; the old ones just expire


def ledger_cache_enabled() -> bool:
    """Figures read from the ledger are cached when the cache is shared (Redis): per-process
    memory would hold a copy per worker for a hit rate of one in the number of workers."""
    return bool(getattr(settings, "REDIS_URL", ""))


def ledger_cache_key(*, user, ledger_version: str, name: str, parts: tuple = ()) -> str:
    """``dashboard:<user>:<database>:<ledger version>:<name>:<parts>``: a key no later ledger
    change can match, since every change raises the version in its own transaction, and no
    other database either (``versions.DATABASE_SQL``: a recreated or restored one counts its
    versions again from where it starts)."""
    return ":".join(["dashboard", str(user.pk), ledger_version, name, *map(str, parts)])


def ledger_scope(database: str, version: int) -> str:
    """What ``ledger_cache_key`` takes as ``ledger_version``: the database and the version."""
    return f"{database}:{version}"


class LedgerFigures:
    """The cached ledger figures of one page under one ledger version (``None``, or the cache
    off: every figure computed). The figures named up front (``prefetch``: name -> parts) are
    read in one round trip; what was missing is computed and written back in one more
    (``save``). Only figures made of the ledger and what relabels it (a category's name or
    colour) may be cached this way: they change with the version. Issue 17: read and written
    one by one, three figures cost a first visit of the dashboard six round trips to Redis."""

    def __init__(self, *, user, ledger_version: str | None, prefetch: dict[str, tuple] | None = None):
        self.user, self.ledger_version = user, ledger_version
        self.enabled = ledger_version is not None and ledger_cache_enabled()
        keys = [self._key(name, parts) for name, parts in (prefetch or {}).items()] if self.enabled else []
        # What each key held (None: nothing); a key not in it is read when asked for.
        self.found: dict[str, object] = dict.fromkeys(keys) | (cache.get_many(keys) if keys else {})
        self.missing: dict[str, object] = {}

    def _key(self, name: str, parts: tuple) -> str:
        return ledger_cache_key(user=self.user, ledger_version=self.ledger_version, name=name, parts=parts)

    def get(self, name: str, parts: tuple, compute):
        """``compute()``, or what it returned before under the same key."""
        if not self.enabled:
            return compute()
        key = self._key(name, parts)
        if key not in self.found:  # not among the figures read up front
            self.found[key] = cache.get(key)
        found = self.found[key]
        if found is None:
            found = self.missing[key] = compute()
        return found

    def spent_in(self, *, user, windows):
        """``spent_in_windows`` for ``budget_vs_actual``, through the cache: keyed by the windows
        asked about (budget, category, currency, first and last day), so a new or changed
        budget is a new key too."""
        signature = ";".join(f"{b}/{c}/{cur}/{w.start:%Y%m%d}-{w.end:%Y%m%d}"
                             for b, (c, cur, w) in sorted(windows.items()))
        return self.get("spent", (signature,), lambda: spent_in_windows(user=user, windows=windows))

    def save(self) -> None:
        """Write what was computed for want of a cached copy (one round trip)."""
        if self.missing:
            cache.set_many(self.missing, CACHE_SECONDS)
            self.missing = {}


@dataclass(frozen=True)
class DashboardPage:
    """Everything the HTML dashboard shows for one month."""

    month: date
    today: date
    accounts: AccountSummary
    spending: MonthlySpending  # the month, per currency and category
    # Per currency (the default one first, always there): the six months ending with
    # ``month``, oldest first.
    history: dict[str, list[MonthFlow]]
    budgets: list[BudgetStatus]
    latest: list[Transaction] = field(default_factory=list)
    alerts_count: int = 0
    outlook: Outlook | None = None  # the current month only: it is about today
    reward_points: int = 0
    checklist: FirstRunChecklist | None = None  # while the customer has a first step left

    @property
    def currency(self) -> str:
        """The user's default currency: the one the month cards are in."""
        return self.spending.currency

    @property
    def this_month(self) -> MonthFlow:
        return self.history[self.currency][-1]

    @property
    def previous_month(self) -> MonthFlow:
        return self.history[self.currency][-2]

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
    def has_history(self) -> bool:
        """Any income or spending in the six months, in any currency."""
        return any(f.income or f.spending for flows in self.history.values() for f in flows)

    @property
    def is_new_user(self) -> bool:
        # Another month lists only the accounts open then: none then is not "new".
        return self.accounts.as_of is None and not self.accounts.accounts and not self.latest

    @property
    def safe_to_spend(self) -> SafeToSpend | None:
        return self.outlook.safe_to_spend if self.outlook else None

    @property
    def coming_up(self) -> ComingUp | None:
        return self.outlook.coming_up if self.outlook else None

    @property
    def is_current_month(self) -> bool:
        return self.month == month_start(self.today)


def dashboard_page(*, user, month: date | None = None, today: date | None = None) -> DashboardPage:
    """The page's data in a constant number of queries: accounts (their balances at the
    end of ``month`` when it is not the current one), six months of totals, the month's
    categories, the latest six entries, unread alerts, reward points, and the budget selector's own
    constant number; the current month also reads the recurring items and their occurrences
    for safe to spend and what is coming up (two queries, one when there are none)."""
    today = today or user_today(user)
    month = month_start(month or today)
    as_of = balances_as_of(month=month, today=today)
    accounts = account_summary(user=user, as_of=as_of)
    counts = _counts_and_checklist(user=user)
    # With the cache on, the month's categories, the six months and the budgets' spending
    # come from it under the user's ledger version (read with the counts): the first two in
    # one round trip, what was missing written back in one more.
    parts = (user.default_currency, month)
    figures = LedgerFigures(user=user, ledger_version=counts.ledger_scope,
                            prefetch={"spending": parts, "history": parts})
    page = DashboardPage(
        month=month,
        today=today,
        accounts=accounts,
        outlook=(todays_outlook(user=user, accounts=accounts.accounts, today=today, has_items=counts.has_items)
                 if as_of is None else None),
        spending=figures.get("spending", parts, lambda: monthly_spending(user=user, month=month)),
        history=figures.get("history", parts, lambda: income_vs_spending(user=user, month=month)),
        budgets=budget_vs_actual(user=user, month=month, today=today, spent_in=figures.spent_in,
                                 budgets=counts.budgets),
        latest=latest_transactions(user=user, until=as_of),
        alerts_count=counts.alerts,
        reward_points=counts.points,
        checklist=counts.checklist,
    )
    figures.save()
    return page


# ---------------------------------------------------------------------------
# The first-run checklist
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FirstRunChecklist:
    """The three first steps and which are done (each read from the data it leaves)."""

    has_account: bool
    has_entry: bool  # an income, expense or transfer, typed or imported (an opening balance is not one)
    has_budget: bool

    @property
    def done_count(self) -> int:
        return sum((self.has_account, self.has_entry, self.has_budget))

    @property
    def is_complete(self) -> bool:
        return self.done_count == 3


def _checklist(dismissed: bool, has_account: bool, has_entry: bool, has_budget: bool) -> FirstRunChecklist | None:
    """The checklist while the user has a step left and has not hidden it; None otherwise."""
    if dismissed:
        return None
    checklist = FirstRunChecklist(has_account=has_account, has_entry=has_entry, has_budget=has_budget)
    return None if checklist.is_complete else checklist


@dataclass(frozen=True)
class _Counts:
    alerts: int  # unread
    points: int
    has_items: bool  # any active recurring item (safe to spend reads them only then)
    checklist: FirstRunChecklist | None
    ledger_scope: str  # ``ledger_scope`` of the ledger version: the key of the cached figures
    budgets: list  # the active budgets, for budget_vs_actual (apps.budgets.selectors.active_budgets_of)


def _counts_and_checklist(*, user) -> _Counts:
    """Unread alerts, reward points, whether there are recurring items, the first-run
    checklist and the active budgets, in one plain statement (issue 17: built by the ORM on
    every visit, each cost more than running it). The checklist's steps are three EXISTS and the dismissal: income
    and expenses are found through the monthly totals, transfers through the (owner,
    category, date) index (they have no category), so the ledger is not scanned."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_SQL, [user.pk, user.pk, user.pk, user.pk, user.pk, user.pk, user.pk,
                                     list(TRANSFER_KINDS), user.pk, user.pk, user.pk])
        alerts, points, has_items, *checklist, version, database, budgets = cursor.fetchone()
    return _Counts(alerts=alerts, points=points, has_items=has_items, checklist=_checklist(*checklist),
                   ledger_scope=ledger_scope(database, version), budgets=active_budgets_of(budgets))


# The customer's own entries besides income and expenses (an opening balance comes with the
# account, a staff correction is not their step).
TRANSFER_KINDS = (Transaction.Kind.TRANSFER_IN, Transaction.Kind.TRANSFER_OUT)


# The dashboard's small figures and its checklist in one round trip. Table and column names
# from the models; the values are parameters. Its one look at the ledger is an EXISTS through
# the (owner, category, date) index, the same plan whoever the customer: prepared.
_COUNTS_SQL = (
    f"{BOUNDED_LEDGER_READ}SELECT ({UNREAD_COUNT_SQL}), ({POINTS_TOTAL_SQL}), ({ACTIVE_ITEMS_SQL}), "  # noqa: S608
    f"EXISTS (SELECT 1 FROM {table(OnboardingProgress)} "
    f"WHERE {column(OnboardingProgress, 'owner')} = %s "
    f"AND {column(OnboardingProgress, 'checklist_dismissed_at')} IS NOT NULL), "
    f"EXISTS (SELECT 1 FROM {table(Account)} WHERE {column(Account, 'owner')} = %s), "
    f"EXISTS (SELECT 1 FROM {table(MonthlyTotal)} WHERE {column(MonthlyTotal, 'owner')} = %s "
    f"AND {column(MonthlyTotal, 'count')} > 0) "
    f"OR EXISTS (SELECT 1 FROM {table(Transaction)} WHERE {column(Transaction, 'owner')} = %s "
    f"AND {column(Transaction, 'category')} IS NULL AND {column(Transaction, 'kind')} = ANY(%s)), "
    f"EXISTS (SELECT 1 FROM {table(Budget)} WHERE {column(Budget, 'owner')} = %s), "
    f"coalesce((SELECT {column(LedgerVersion, 'version')} FROM {table(LedgerVersion)} "
    f"WHERE {column(LedgerVersion, 'owner')} = %s), 0), {versions.DATABASE_SQL}, ({ACTIVE_BUDGETS_JSON_SQL})"
)
