"""Reads of the ledger, aggregated in PostgreSQL and scoped by owner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, TruncMonth

from apps.accounts.models import Account
from apps.accounts.selectors import accounts_by_name
from apps.core.currencies import currency_order
from apps.core.dates import add_months, month_end, month_label, month_start, shift_month
from apps.core.db import column, columns, table
from apps.core.money import CENT

from .models import Attachment, Category, CategoryPreference, DailyTotal, LedgerVersion, MonthlyTotal, Transaction

ZERO = Decimal("0.00")
HISTORY_MONTHS = 6  # the dashboard's income vs spending


@dataclass(frozen=True)
class CurrencySpending:
    """One currency's spending in a month: amounts in different currencies are never added."""

    currency: str
    total: Decimal
    by_category: dict[str, Decimal] = field(default_factory=dict)  # category name -> spent, largest first
    colours: dict[str, str] = field(default_factory=dict)  # category name -> the user's colour, where chosen


def category_colour_expression(*, user, category_path: str = "category"):
    """The colour ``user`` sees a category in, as an SQL expression over rows that point at a
    category (``category_path``): their preference for a default one, else the category's own."""
    preference = CategoryPreference.objects.filter(owner=user, category=OuterRef(category_path)).exclude(
        colour="").values("colour")[:1]
    return Coalesce(Subquery(preference), F(f"{category_path}__colour"))


@dataclass(frozen=True)
class MonthlySpending:
    month: date
    currency: str  # the user's default currency: ``total`` and ``by_category`` are in it
    total: Decimal  # spent in the default currency (0.00 when nothing was)
    by_category: dict[str, Decimal] = field(default_factory=dict)  # the default currency's, largest first
    # Every currency with spending in the month, the default currency first, then A-Z.
    by_currency: dict[str, CurrencySpending] = field(default_factory=dict)

    @property
    def month_label(self) -> str:
        return month_label(self.month)

    @property
    def is_multi_currency(self) -> bool:
        """Spending in a currency other than the default one (which ``total`` leaves out)."""
        return any(currency != self.currency for currency in self.by_currency)


# The dashboard's and Insights' month figures as plain statements (table and column names from
# the models, values as parameters): per currency of the account, from the monthly totals. The
# accounts are joined as the customer's (the same owner as the totals, which PostgreSQL reads
# as the customer's number, through the accounts' owner index): joined by id alone, a hundred
# rows of totals made PostgreSQL hash every customer's accounts, a cost that grew with the
# number of customers (issue 17: 0.8 ms of a dashboard with 2,000 of them).
_MONTHLY_SPENDING_SQL = (
    f"SELECT a.{column(Account, 'currency')}, c.{column(Category, 'name')}, "  # noqa: S608
    f"COALESCE((SELECT p.{column(CategoryPreference, 'colour')} FROM {table(CategoryPreference)} p "
    f"WHERE p.{column(CategoryPreference, 'category')} = m.{column(MonthlyTotal, 'category')} "
    f"AND p.{column(CategoryPreference, 'owner')} = %s AND p.{column(CategoryPreference, 'colour')} <> '' LIMIT 1), "
    f"c.{column(Category, 'colour')}) AS colour, SUM(m.{column(MonthlyTotal, 'total')}) AS spent "
    f"FROM {table(MonthlyTotal)} m "
    f"JOIN {table(Category)} c ON c.id = m.{column(MonthlyTotal, 'category')} "
    f"JOIN {table(Account)} a ON a.id = m.{column(MonthlyTotal, 'account')} "
    f"AND a.{column(Account, 'owner')} = m.{column(MonthlyTotal, 'owner')} "
    f"WHERE m.{column(MonthlyTotal, 'owner')} = %s AND m.{column(MonthlyTotal, 'month')} = %s "
    f"AND m.{column(MonthlyTotal, 'kind')} = %s AND m.{column(MonthlyTotal, 'count')} > 0 "
    "GROUP BY 1, 2, 3 ORDER BY spent DESC, 2"
)
_INCOME_VS_SPENDING_SQL = (
    f"SELECT a.{column(Account, 'currency')}, m.{column(MonthlyTotal, 'month')}, "  # noqa: S608
    f"COALESCE(SUM(m.{column(MonthlyTotal, 'total')}) FILTER (WHERE m.{column(MonthlyTotal, 'kind')} = %s), 0.00), "
    f"COALESCE(SUM(m.{column(MonthlyTotal, 'total')}) FILTER (WHERE m.{column(MonthlyTotal, 'kind')} = %s), 0.00) "
    f"FROM {table(MonthlyTotal)} m JOIN {table(Account)} a ON a.id = m.{column(MonthlyTotal, 'account')} "
    f"AND a.{column(Account, 'owner')} = m.{column(MonthlyTotal, 'owner')} "
    f"WHERE m.{column(MonthlyTotal, 'owner')} = %s AND m.{column(MonthlyTotal, 'month')} BETWEEN %s AND %s "
    f"AND m.{column(MonthlyTotal, 'count')} > 0 GROUP BY 1, 2"
)


def monthly_spending(*, user, month: date) -> MonthlySpending:
    """A user's spending (expenses; transfers are not spending) in one month, per currency
    of the account and split by category: one aggregate statement over the monthly totals,
    whose size does not grow with the user's history (plain SQL: issue 17, built by the ORM
    on every page it cost five times what running it does)."""
    month = month_start(month)
    with connection.cursor() as cursor:
        cursor.execute(_MONTHLY_SPENDING_SQL, [user.pk, user.pk, month, MonthlyTotal.Kind.EXPENSE])
        rows = cursor.fetchall()
    categories: dict[str, dict[str, Decimal]] = {}
    colours: dict[str, dict[str, str]] = {}
    for currency, name, colour, spent in rows:
        categories.setdefault(currency, {})[name] = spent
        if colour:
            colours.setdefault(currency, {})[name] = colour
    default = user.default_currency
    by_currency = {
        currency: CurrencySpending(currency=currency, total=sum(categories[currency].values(), ZERO),
                                   by_category=categories[currency], colours=colours.get(currency, {}))
        for currency in currency_order(categories, default)
    }
    own = by_currency.get(default)
    return MonthlySpending(month=month, currency=default, total=own.total if own else ZERO,
                           by_category=dict(own.by_category) if own else {}, by_currency=by_currency)


@dataclass(frozen=True)
class MonthFlow:
    currency: str
    month: date
    income: Decimal
    spending: Decimal

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def net(self) -> Decimal:
        return self.income - self.spending


def income_vs_spending(*, user, month: date, months: int = HISTORY_MONTHS) -> dict[str, list[MonthFlow]]:
    """Income and spending (expenses; transfers are neither) per currency for the
    ``months`` months ending with ``month``, oldest first, months without entries as
    zeros: one grouped query over the monthly totals. The user's default currency is
    always there (first); another currency only when it has figures in those months."""
    month = month_start(month)
    first = shift_month(month, -(months - 1))
    with connection.cursor() as cursor:
        cursor.execute(_INCOME_VS_SPENDING_SQL, [MonthlyTotal.Kind.INCOME, MonthlyTotal.Kind.EXPENSE, user.pk,
                                                 first, month])
        found = {(currency, m): (income, spending) for currency, m, income, spending in cursor.fetchall()}
    default = user.default_currency
    history = {}
    for currency in currency_order({currency for currency, _ in found} | {default}, default):
        flows = []
        for i in range(months):
            m = shift_month(first, i)
            income, spending = found.get((currency, m), (ZERO, ZERO))
            flows.append(MonthFlow(currency=currency, month=m, income=income, spending=spending))
        history[currency] = flows
    return history


def ledger_version(*, user) -> int:
    """The user's ledger version (0 before their first posting): raised in the same database
    transaction as every change of their ledger, so figures cached under it are current."""
    return LedgerVersion.objects.filter(owner=user).values_list("version", flat=True).first() or 0


def signed_amount_expression():
    """An entry's effect on its account's balance, in SQL (``Transaction.signed_amount``)."""
    return Case(When(kind__in=Transaction.CREDIT_KINDS, then=F("amount")), default=-F("amount"),
                output_field=DecimalField(max_digits=14, decimal_places=2))


def transaction_list(*, user) -> QuerySet[Transaction]:
    """The user's ledger entries, newest first, with what a list row shows joined in. What
    other columns sort by is added by ``sort_expressions`` only when a list is sorted by it
    (issue 17: compiled on every visit, the two expressions were a quarter of the rows' query)."""
    return Transaction.objects.filter(owner=user).select_related("account", "category").order_by("-occurred_on", "-id")


_ENTRIES_BY_IDS_SQL = (
    f"SELECT {columns(Transaction, 't.')}, {columns(Account, 'a.')}, {columns(Category, 'c.')} "  # noqa: S608
    "FROM unnest(ARRAY({ids})) WITH ORDINALITY AS page(id, position) "
    f"JOIN {table(Transaction)} t ON t.{column(Transaction, 'id')} = page.id "
    f"JOIN {table(Account)} a ON a.{column(Account, 'id')} = t.{column(Transaction, 'account')} "
    f"LEFT JOIN {table(Category)} c ON c.{column(Category, 'id')} = t.{column(Transaction, 'category')} "
    "ORDER BY page.position"
)


# Each model's concrete fields in column order: a row of _ENTRIES_BY_IDS_SQL, cut into three.
_ENTRY_FIELDS, _ACCOUNT_FIELDS, _CATEGORY_FIELDS = (
    [f.attname for f in model._meta.concrete_fields] for model in (Transaction, Account, Category))


def entries_by_ids(ids_sql: str, params) -> list[Transaction]:
    """The entries whose ids the statement ``ids_sql`` lists (a page of a list: its ids through
    the list's index, in its order), in that order, each with its account and category, as
    ``transaction_list`` joins them: one plain statement, the ids first (PostgreSQL reads
    them once, then each of the page's rows by its key), its rows made into models with
    ``Model.from_db`` (issue 17: the ORM building it was a tenth of the list's first visit)."""
    db = connection.alias
    account_at = len(_ENTRY_FIELDS)
    category_at = account_at + len(_ACCOUNT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(_ENTRIES_BY_IDS_SQL.replace("{ids}", ids_sql), params)
        rows = cursor.fetchall()
    entries = []
    for row in rows:
        entry = Transaction.from_db(db, _ENTRY_FIELDS, row[:account_at])
        entry.account = Account.from_db(db, _ACCOUNT_FIELDS, row[account_at:category_at])
        # The category's id is its first column: NULL when the entry has none (LEFT JOIN).
        entry.category = (Category.from_db(db, _CATEGORY_FIELDS, row[category_at:])
                          if row[category_at] is not None else None)
        entries.append(entry)
    return entries


def sort_expressions() -> dict[str, Expression]:
    """What the list's computed columns sort by, by annotation name: the signed amount, and
    the payee or else the description (lower case)."""
    return {
        "signed": signed_amount_expression(),
        "payee_or_description": Lower(Case(When(payee="", then=F("description")), default=F("payee"))),
    }


@dataclass(frozen=True)
class ListChoices:
    """What the transactions list's selects offer, read once for all of them (two queries):
    the filters' account and category, the quick entry's account and category, and the
    category of the ticked rows (issue 17: each select read its own)."""

    accounts: list[Account]  # every account of the user, closed ones too (the filter's), by name
    categories: list[Category]  # the default ones and the user's, hidden ones too, by name; each with is_hidden

    @property
    def open_accounts(self) -> list[Account]:
        return [a for a in self.accounts if a.closed_on is None]

    @property
    def usable_categories(self) -> list[Category]:
        """``Category.objects.usable_by(user)``: what a new entry may have."""
        return [c for c in self.categories if not c.is_hidden]

    def categories_for(self, entry_kind: str) -> list[Category]:
        """``usable_by(user).for_entry_kind(entry_kind)``."""
        return [c for c in self.usable_categories if c.fits(entry_kind)]


def list_choices(*, user) -> ListChoices:
    """Two plain statements (Django's raw queries; issue 17: the ORM building them was most of
    their time on a first visit of the list): every account (``accounts_by_name``) and
    ``Category.objects.with_hidden_flag(user)`` by name."""
    return ListChoices(
        accounts=accounts_by_name(user=user),
        categories=list(Category.objects.raw(_CATEGORIES_SQL, [user.pk, user.pk])),
    )


_CATEGORIES_SQL = (
    f"SELECT {columns(Category, 'c.')}, c.{column(Category, 'id')} IN (SELECT "  # noqa: S608
    f"p.{column(CategoryPreference, 'category')} FROM {table(CategoryPreference)} p "
    f"WHERE p.{column(CategoryPreference, 'owner')} = %s AND p.{column(CategoryPreference, 'hidden')}) AS is_hidden "
    f"FROM {table(Category)} c WHERE c.{column(Category, 'owner')} IS NULL OR c.{column(Category, 'owner')} = %s "
    f"ORDER BY c.{column(Category, 'name')}, c.{column(Category, 'id')}"
)


def latest_expense_account_id(*, user, newest_entries: list[Transaction] | None = None) -> int | None:
    """The open account of the user's latest expense (newest date, then newest id), if any.
    ``newest_entries``: the ledger's newest entries in that order with their accounts, where a
    page has read them (the transactions list's first page): an expense among them answers
    without a query (issue 17)."""
    for entry in newest_entries or ():
        if entry.kind == Transaction.Kind.EXPENSE and entry.account.closed_on is None:
            return entry.account_id
    return (Transaction.objects.filter(owner=user, kind=Transaction.Kind.EXPENSE, account__closed_on__isnull=True)
            .order_by("-occurred_on", "-id").values_list("account_id", flat=True).first())


def transfer_legs(entry: Transaction) -> tuple[Transaction, Transaction]:
    """A transfer's two legs with their accounts: (what left, what arrived)."""
    legs = {leg.kind: leg for leg in Transaction.objects.filter(transfer_id=entry.transfer_id, owner_id=entry.owner_id)
            .select_related("account")}
    return legs[Transaction.Kind.TRANSFER_OUT], legs[Transaction.Kind.TRANSFER_IN]


def entry_anchor_id(entry: Transaction) -> int:
    """The row an entry's files are kept on (services.attachments): its first, for a transfer's
    legs and a split entry's parts (one query); the entry itself otherwise (none)."""
    if entry.transfer_id is None and entry.split_id is None:
        return entry.pk
    group = Transaction.objects.filter(owner_id=entry.owner_id)
    group = (group.filter(transfer_id=entry.transfer_id) if entry.transfer_id
             else group.filter(split_id=entry.split_id))
    return group.order_by("pk").values_list("pk", flat=True).first() or entry.pk


def entry_attachments(entry: Transaction, *, parts: list[Transaction] | None = None) -> list[Attachment]:
    """The entry's files, oldest first, without their bytes (one query, two for a transfer or a
    split entry whose ``parts``, from ``split_parts``, the caller has not read already)."""
    anchor_id = parts[0].pk if parts else entry_anchor_id(entry)
    return list(Attachment.objects.filter(transaction_id=anchor_id, owner_id=entry.owner_id).defer("data"))


def split_parts(entry: Transaction) -> list[Transaction]:
    """The parts of a split entry with their categories, in order (the entry alone if it is not
    split): one query."""
    if entry.split_id is None:
        return [entry]
    return list(Transaction.objects.filter(split_id=entry.split_id, owner_id=entry.owner_id)
                .select_related("category").order_by("pk"))


def split_choices(*, user, entry: Transaction, parts: list[Transaction]) -> list[Category]:
    """The categories a part of ``entry`` may have, by name: those for its kind of entry that the
    user has not hidden, and those its parts have now (hidden since, or of another kind)."""
    return list(Category.objects.for_user(user).filter(
        Q(pk__in=Category.objects.usable_by(user).for_entry_kind(entry.kind))
        | Q(pk__in=[part.category_id for part in parts])).order_by("name", "pk"))


def transfer_counterparts(entries) -> dict[int, Counterpart]:
    """For each transfer leg among ``entries`` (a page of the list), the other leg: its account
    and, for a transfer between two currencies, what it holds; one query."""
    legs = {entry.transfer_id: entry.pk for entry in entries if entry.transfer_id}
    if not legs:
        return {}
    others = (Transaction.objects.filter(transfer_id__in=legs).exclude(pk__in=legs.values())
              .values_list("transfer_id", "account_id", "account__name", "amount", "account__currency"))
    return {legs[transfer_id]: Counterpart(account_id, name, amount, currency)
            for transfer_id, account_id, name, amount, currency in others}


@dataclass(frozen=True)
class Counterpart:
    """The other leg of a transfer: its account, and its amount in that account's currency."""

    account_id: int
    account_name: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class ListRow:
    """One line of a transactions list: the entry, the other leg of a transfer, and the
    account's balance after it (only where the rows are a run of one account's ledger)."""

    entry: Transaction
    counterpart: Counterpart | None = None
    balance_after: Decimal | None = None
    receipts: int = 0  # the files kept with the entry (a transfer's or a split entry's: shared)

    @property
    def is_transfer(self) -> bool:
        return self.entry.transfer_id is not None

    @property
    def counterpart_name(self) -> str:
        return self.counterpart.account_name if self.counterpart else ""

    @property
    def arrived(self) -> Counterpart | None:
        """The other leg, when it is in another currency (what arrived, or what was sent)."""
        other = self.counterpart
        return other if other is not None and other.currency != self.entry.account.currency else None


def list_rows(entries, *, one_line_transfers: bool, running_balance_of: Account | None = None) -> list[ListRow]:
    """The lines of a page of entries: each transfer names its other account (one query);
    with ``running_balance_of``, each line has that account's balance after it (one more)."""
    entries = list(entries)
    counterparts = transfer_counterparts(entries)
    balances = (balances_after(entries, account=running_balance_of) if running_balance_of is not None
                else [None] * len(entries))
    receipts = receipt_counts(entries)
    return [ListRow(entry, counterparts.get(entry.pk), balance, receipts.get(entry.pk, 0))
            for entry, balance in zip(entries, balances, strict=True)]


# The keys that make entries share their files: a transfer's legs and a split entry's parts keep
# them on their first row (services.attachments), and each of them shows them. The one home of
# that rule for counting (``receipt_counts``) and for filtering (``keeps_receipts``).
FILES_SHARED_BY = ("transfer_id", "split_id")


def receipt_counts(entries) -> dict[int, int]:
    """How many files each of ``entries`` (one owner's: a page of the list) keeps: one query,
    none for no entries. An entry counts the files on its own row or on any row it shares
    them with (``FILES_SHARED_BY``)."""
    if not entries:
        return {}
    group = Q(transaction_id__in=[entry.pk for entry in entries])
    for key in FILES_SHARED_BY:
        if values := {getattr(entry, key) for entry in entries if getattr(entry, key)}:
            group |= Q(**{f"transaction__{key}__in": values})
    kept = (Attachment.objects.filter(group, owner_id=entries[0].owner_id).order_by()
            .values_list("transaction_id", *(f"transaction__{key}" for key in FILES_SHARED_BY))
            .annotate(count=Count("id")))
    by_row, by_key = {}, {key: {} for key in FILES_SHARED_BY}
    for row_id, *shared, count in kept:
        by_row[row_id] = count
        for key, value in zip(FILES_SHARED_BY, shared, strict=True):
            if value:
                by_key[key][value] = count
    counts = {}
    for entry in entries:
        count = by_row.get(entry.pk)
        for key in FILES_SHARED_BY:
            count = count or by_key[key].get(getattr(entry, key))
        if count:
            counts[entry.pk] = count
    return counts


def keeps_receipts(*, user) -> Q:
    """The ``user``'s entries that keep files, as ``receipt_counts`` counts them: on the row
    itself, or on a row it shares them with (``FILES_SHARED_BY``: the list's "with
    receipts"; negated, "without"). A list of ids from the user's files per key, each read
    once and looked up by hash, not a subquery per entry: a long history is filtered and
    counted at the cost of reading it."""
    kept = Attachment.objects.filter(owner=user).order_by()
    q = Q(pk__in=kept.values("transaction_id"))
    for key in FILES_SHARED_BY:
        q |= Q(**{f"{key}__in": kept.filter(**{f"transaction__{key}__isnull": False})
                  .values(f"transaction__{key}")})
    return q


def balances_after(entries, *, account) -> list[Decimal]:
    """The balance of ``account`` after each of ``entries``, a run of its ledger newest first
    with nothing left out (the list filtered to this account only): today's balance less
    what the entries newer than the first one did, then back one entry at a time. One query
    over the newer entries (none on the first page)."""
    if not entries:
        return []
    first = entries[0]
    balance = _balance_before(account, Q(occurred_on__gt=first.occurred_on)
                              | Q(occurred_on=first.occurred_on, pk__gt=first.pk))
    result = []
    for entry in entries:
        result.append(balance)
        balance -= entry.signed_amount
    return result


def balance_at_end_of(*, account, day: date) -> Decimal:
    """The balance of ``account`` at the end of ``day``: today's balance less what its entries
    dated after that day did (one query)."""
    return _balance_before(account, Q(occurred_on__gt=day))


@dataclass(frozen=True)
class BalanceCheck:
    """An account's balance here at the end of a day beside what its bank says it was."""

    account: Account
    on: date
    bank: Decimal
    ours: Decimal

    @property
    def difference(self) -> Decimal:
        """More here than at the bank when positive."""
        return self.ours - self.bank

    @property
    def gap(self) -> Decimal:
        return abs(self.difference)


def balance_check(*, account, day: date, bank_balance: Decimal, pending: Decimal = ZERO) -> BalanceCheck:
    """``pending``: what is about to be posted on or before ``day`` (an import's ticked rows)."""
    return BalanceCheck(account=account, on=day, bank=bank_balance,
                        ours=balance_at_end_of(account=account, day=day) + pending)


def _balance_before(account, later: Q) -> Decimal:
    """The account's balance less what its entries matching ``later`` did: the balance and those
    entries in one statement, one snapshot even while a posting lands."""
    money = DecimalField(max_digits=16, decimal_places=2)
    total = (Transaction.objects.filter(later, account=OuterRef("pk"))
             .order_by().values("account").annotate(total=Sum(signed_amount_expression())).values("total"))
    return Account.objects.filter(pk=account.pk).values_list(
        F("balance") - Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money), flat=True,
    ).get()


# A savings goal's pace: the money that went into the account over this many days, an
# average month of it (apps.accounts' goal; the account page).
GOAL_PACE_DAYS = 91
# Less history than this says nothing of a pace.
GOAL_PACE_MIN_DAYS = 28
_DAYS_PER_MONTH = Decimal("30.4375")


@dataclass(frozen=True)
class GoalOutlook:
    """Where an account stands against its savings goal, and where the customer's pace leads."""

    target: Decimal
    saved: Decimal  # the balance (nothing saved below zero)
    remaining: Decimal
    percent: int
    on: date | None  # the day to reach it by, if the customer gave one
    months_left: int | None
    monthly_needed: Decimal | None  # what each month must bring in to reach it by ``on``, to the cent up
    pace: Decimal | None  # what came in, net, in an average month of the last three (None: too little history)
    reached_around: date | None  # the month the pace reaches the goal (None: reached, or no pace up)

    @property
    def reached(self) -> bool:
        return self.remaining == 0

    @property
    def on_track(self) -> bool | None:
        """Whether the pace reaches the goal by its day (None without a day or a pace)."""
        if self.reached:
            return True
        if self.on is None or self.pace is None:
            return None
        return self.reached_around is not None and self.reached_around <= self.on


def goal_outlook(*, account: Account, today: date) -> GoalOutlook | None:
    """The account's savings goal against its balance and its pace (one query for the pace):
    None without a goal. The pace leaves out the opening balance, and entries dated after
    today."""
    if account.goal_amount is None:
        return None
    target = account.goal_amount
    saved = max(account.balance, ZERO)
    remaining = max(target - saved, ZERO)
    months_left = monthly_needed = None
    if account.goal_on is not None:
        months = (account.goal_on.year - today.year) * 12 + account.goal_on.month - today.month
        months_left = max(1, months if account.goal_on.day >= today.day else months - 1)
        monthly_needed = (remaining / months_left).quantize(CENT, rounding=ROUND_CEILING)
    start = max(today - timedelta(days=GOAL_PACE_DAYS), account.opened_on)
    pace = reached_around = None
    if (today - start).days >= GOAL_PACE_MIN_DAYS:
        net = (Transaction.objects.filter(account=account, occurred_on__gt=start, occurred_on__lte=today)
               .exclude(kind=Transaction.Kind.OPENING)
               .aggregate(net=Coalesce(Sum(signed_amount_expression()), Value(ZERO)))["net"])
        pace = (net * _DAYS_PER_MONTH / (today - start).days).quantize(CENT)
        if remaining and pace > 0:
            reached_around = month_start(add_months(today, int((remaining / pace).to_integral_value(ROUND_CEILING))))
    return GoalOutlook(target=target, saved=saved, remaining=remaining, percent=account.goal_percent,
                       on=account.goal_on,
                       months_left=months_left, monthly_needed=monthly_needed, pace=pace,
                       reached_around=reached_around)


@dataclass(frozen=True)
class ListTotals:
    """What a filtered list adds up to in one currency: money in (income, transfers in,
    openings, credit corrections) and money out (expenses, transfers out, debit corrections)."""

    currency: str
    count: int
    money_in: Decimal
    money_out: Decimal

    @property
    def net(self) -> Decimal:
        return self.money_in - self.money_out


def list_totals(entries: QuerySet[Transaction], *, default_currency: str) -> list[ListTotals]:
    """The totals of exactly the rows of a (filtered) list, per currency, the default
    currency first: one grouped query. The Insights page links each figure to a list whose
    totals here equal it."""
    money = DecimalField(max_digits=16, decimal_places=2)

    def total(kinds):
        return Coalesce(Sum("amount", filter=Q(kind__in=kinds)), Value(ZERO), output_field=money)

    # The accounts as the entries' owner's (PostgreSQL then reads them by the owner index, not
    # every customer's: see _MONTHLY_SPENDING_SQL).
    per_currency = entries.filter(account__owner=F("owner")).order_by().values(currency=F("account__currency"))
    rows = {
        row["currency"]: row
        for row in per_currency.annotate(
            n=Count("id"), money_in=total(Transaction.CREDIT_KINDS), money_out=total(Transaction.DEBIT_KINDS),
        )
    }
    return [
        ListTotals(currency=c, count=rows[c]["n"], money_in=rows[c]["money_in"], money_out=rows[c]["money_out"])
        for c in currency_order(rows, default_currency)
    ]


# ---------------------------------------------------------------------------
# Operators: the stored balances and monthly totals against the ledger rows
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BalanceMismatch:
    account_id: int
    account_name: str
    owner_email: str
    currency: str
    stored: Decimal
    ledger: Decimal

    @property
    def difference(self) -> Decimal:
        return self.stored - self.ledger


def _ledger_sum(kinds):
    return Coalesce(
        Sum("transactions__amount", filter=Q(transactions__kind__in=kinds)),
        Value(Decimal("0.00")),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def balance_mismatches(*, account_ids=None) -> list[BalanceMismatch]:
    """Every account whose stored balance differs from its ledger (credits minus debits,
    the opening entry included), in one aggregate query."""
    accounts = Account.objects.all() if account_ids is None else Account.objects.filter(pk__in=account_ids)
    rows = (
        accounts.annotate(ledger=_ledger_sum(Transaction.CREDIT_KINDS) - _ledger_sum(Transaction.DEBIT_KINDS))
        .exclude(balance=F("ledger"))
        .values_list("pk", "name", "owner__email", "currency", "balance", "ledger")
        .order_by("pk")
    )
    return [BalanceMismatch(*row) for row in rows]


@dataclass(frozen=True)
class MonthlyTotalMismatch:
    owner_id: int
    account_id: int
    category_id: int
    month: date
    kind: str
    stored_total: Decimal  # 0 when the bucket is missing
    stored_count: int
    ledger_total: Decimal  # 0 when the ledger has no such rows
    ledger_count: int


def _total_mismatches(*, model, period: str, period_of_row: str, account_ids=None) -> list[tuple]:
    """Every bucket of ``model``'s table (account, category, ``period``, kind) that differs
    from the income and expense rows it sums, in one query; ``period_of_row`` is the SQL of a
    ledger row's bucket date. A bucket left at zero by deletions equals a missing one."""
    tx_table, totals_table = Transaction._meta.db_table, model._meta.db_table
    where_tx, where_mt, params = "", "", []
    if account_ids is not None:
        ids = sorted(int(i) for i in account_ids)
        where_tx, where_mt, params = "AND t.account_id = ANY(%s)", "WHERE m.account_id = ANY(%s)", [ids, ids]
    sql = f"""
        WITH ledger AS (
            SELECT t.owner_id, t.account_id, t.category_id, {period_of_row} AS period,
                   t.kind, SUM(t.amount) AS total, COUNT(*) AS count
            FROM {tx_table} t
            WHERE t.kind IN ('income', 'expense') {where_tx}
            GROUP BY 1, 2, 3, 4, 5
        ), stored AS (
            SELECT m.owner_id, m.account_id, m.category_id, m.{period} AS period, m.kind, m.total, m.count
            FROM {totals_table} m {where_mt}
        )
        SELECT COALESCE(l.owner_id, s.owner_id), COALESCE(l.account_id, s.account_id),
               COALESCE(l.category_id, s.category_id), COALESCE(l.period, s.period), COALESCE(l.kind, s.kind),
               COALESCE(s.total, 0), COALESCE(s.count, 0), COALESCE(l.total, 0), COALESCE(l.count, 0)
        FROM ledger l
        FULL OUTER JOIN stored s
          ON s.account_id = l.account_id AND s.category_id = l.category_id AND s.period = l.period
         AND s.kind = l.kind
        WHERE COALESCE(s.total, 0) <> COALESCE(l.total, 0)
           OR COALESCE(s.count, 0) <> COALESCE(l.count, 0)
           OR (s.owner_id IS NOT NULL AND l.owner_id IS NOT NULL AND s.owner_id <> l.owner_id)
        ORDER BY 2, 4, 3, 5
    """  # noqa: S608 (table names come from the models; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def monthly_total_mismatches(*, account_ids=None) -> list[MonthlyTotalMismatch]:
    """Every monthly total (account, category, month, kind) that differs from the income
    and expense rows it sums, in one query. A bucket left at zero by deletions equals a
    missing one."""
    return [MonthlyTotalMismatch(*row) for row in _total_mismatches(
        model=MonthlyTotal, period="month", period_of_row="date_trunc('month', t.occurred_on)::date",
        account_ids=account_ids)]


@dataclass(frozen=True)
class DailyTotalMismatch:
    owner_id: int
    account_id: int
    category_id: int
    day: date
    kind: str
    stored_total: Decimal  # 0 when the bucket is missing
    stored_count: int
    ledger_total: Decimal  # 0 when the ledger has no such rows
    ledger_count: int


def daily_total_mismatches(*, account_ids=None) -> list[DailyTotalMismatch]:
    """Every daily total (account, category, day, kind) that differs from the income and
    expense rows it sums, in one query (as ``monthly_total_mismatches``)."""
    return [DailyTotalMismatch(*row) for row in _total_mismatches(
        model=DailyTotal, period="day", period_of_row="t.occurred_on", account_ids=account_ids)]


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CategoryRow:
    category: Category
    colour: str  # the colour the user sees it in, "" for none
    entries: int  # the user's entries in it

    @property
    def is_default(self) -> bool:
        return self.category.is_default


def category_rows(*, user) -> dict[str, list[CategoryRow]]:
    """The categories page: ``categories`` (the user's own and the default ones they see) and
    ``hidden`` (default ones they hid), each with its colour and the user's entry count from
    the monthly totals (no scan of the ledger); three queries."""
    preferences = {p.category_id: p for p in CategoryPreference.objects.filter(owner=user)}
    counts = dict(MonthlyTotal.objects.filter(owner=user).values("category_id").annotate(n=Sum("count"))
                  .order_by().values_list("category_id", "n"))
    shown, hidden = [], []
    for category in Category.objects.for_user(user).order_by(F("owner_id").asc(nulls_first=True), "name"):
        preference = preferences.get(category.pk)
        colour = preference.colour if category.is_default and preference else category.colour
        row = CategoryRow(category=category, colour=colour, entries=counts.get(category.pk, 0))
        (hidden if preference and preference.hidden else shown).append(row)
    return {"categories": shown, "hidden": hidden}


# ---------------------------------------------------------------------------
# An account's balance history
# ---------------------------------------------------------------------------

BALANCE_HISTORY_MONTHS = 12


@dataclass(frozen=True)
class MonthEndBalance:
    month: date  # first day of the month
    balance: Decimal  # at the end of the month (entries dated after it, even future ones, are not in it)

    @property
    def month_end(self) -> date:
        return month_end(self.month)


def account_balance_history(*, account: Account, today: date,
                            months: int = BALANCE_HISTORY_MONTHS) -> list[MonthEndBalance]:
    """The account's balance at the end of each of the ``months`` months up to ``today``'s
    (from its opening month if later), worked back from the current balance: two grouped
    queries, neither a scan of the account's history. Income and expenses come from the
    monthly totals; the other kinds (openings, transfers, staff corrections) are not in them,
    so they are summed per month from the ledger rows dated from the first month shown on:
    they have no category, so the (owner, category, date) index reaches them without reading
    the window's income and expenses (a few rows: transfers, an opening, rare corrections)."""
    last = month_start(today)
    first = max(shift_month(last, -(months - 1)), month_start(account.opened_on))
    changes: dict[date, Decimal] = {}
    for row in (MonthlyTotal.objects.filter(account=account, month__gt=first).values("month")
                .annotate(income=Sum("total", filter=Q(kind=MonthlyTotal.Kind.INCOME), default=ZERO),
                          expense=Sum("total", filter=Q(kind=MonthlyTotal.Kind.EXPENSE), default=ZERO))
                .order_by()):
        changes[row["month"]] = changes.get(row["month"], ZERO) + row["income"] - row["expense"]
    others = [k for k in Transaction.Kind.values if k not in (Transaction.Kind.INCOME, Transaction.Kind.EXPENSE)]
    credit = Sum("amount", filter=Q(kind__in=Transaction.CREDIT_KINDS), default=ZERO)
    debit = Sum("amount", filter=Q(kind__in=Transaction.DEBIT_KINDS), default=ZERO)
    for row in (Transaction.objects.filter(owner_id=account.owner_id, category__isnull=True, account=account,
                                           occurred_on__gte=shift_month(first, 1), kind__in=others)
                .values(month=TruncMonth("occurred_on")).annotate(change=credit - debit).order_by()):
        month = month_start(row["month"])
        changes[month] = changes.get(month, ZERO) + row["change"]
    history = []
    after = sum((v for m, v in changes.items() if m > last), ZERO)  # entries dated after this month
    balance = account.balance - after
    month = last
    while month >= first:
        history.append(MonthEndBalance(month=month, balance=balance))
        balance -= changes.get(month, ZERO)
        month = shift_month(month, -1)
    return history[::-1]
