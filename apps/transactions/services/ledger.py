"""The building blocks every money movement is made of.

A posting is one ``transaction.atomic`` block that
1. claims the form's one-time token (if given), so a replayed POST posts once;
2. locks the account rows it touches with ``SELECT ... FOR UPDATE`` in primary-key
   order (two transfers in opposite directions cannot deadlock);
3. refuses a change that would overdraw (``ValidationError`` with a message a
   customer understands), then moves the balance with an ``F()`` update;
4. writes the ledger rows and the monthly and daily totals;
5. raises the user's ledger version and sends ``ledger_changed`` inside the same
   transaction (budgets, alerts, audit): ``announce``.

So ``account.balance == sum(credits) - sum(debits)`` holds at every commit, and the
database constraints (balance >= 0 or >= -credit limit, amount > 0, transfer legs equal
and opposite) are the last guard.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.core.dates import MAX_YEAR, MIN_YEAR, in_date_range, user_today
from apps.core.db import column, table
from apps.core.formats import format_day
from apps.core.money import MAX_AMOUNT, format_money

from ..models import (
    ENTRY_KIND_IN_SENTENCE,
    Category,
    DailyTotal,
    FormSubmission,
    LedgerVersion,
    MonthlyTotal,
    Transaction,
)
from ..signals import LedgerChange, ledger_changed

Kind = Transaction.Kind
# An entry dated further ahead than this is most likely a typo in the year: it needs a yes.
FAR_FUTURE_DAYS = 366
# One line per refused money movement: who, which account, how much, and why (ids and
# amounts only: no names, no emails).
logger = logging.getLogger("bankdash.ledger")


def log_refusal(reason: str, *, user_id, level: int = logging.INFO, **fields) -> None:
    logger.log(level, "money movement refused: %s", reason,
               extra={"event": "refused", "reason": reason, "user_id": user_id, **fields})


def lock_accounts(*, user, account_ids) -> dict[int, Account]:
    """Lock the user's accounts in primary-key order; another user's id is 'not found'."""
    ids = sorted({int(i) for i in account_ids})
    accounts = {a.pk: a for a in Account.objects.select_for_update().filter(owner=user, pk__in=ids).order_by("pk")}
    if len(accounts) != len(ids):
        log_refusal("account_not_owned", user_id=user.pk, account_ids=ids, level=logging.WARNING)
        raise ValidationError({"account": _("Choose one of your accounts.")})
    return accounts


def apply_deltas(accounts: dict[int, Account], deltas: dict[int, Decimal]) -> None:
    """Move locked balances by ``deltas``, refusing any overdraft."""
    for pk in sorted(deltas):
        delta = deltas[pk]
        if delta == 0:
            continue
        account = accounts[pk]
        if account.is_closed:
            log_refusal("account_closed", user_id=account.owner_id, account_id=pk, amount=abs(delta))
            raise ValidationError({"account": _("The account “%(name)s” is closed.") % {"name": account.name}})
        new_balance = account.balance + delta
        if delta > 0 and new_balance >= MAX_AMOUNT:
            # The column would overflow (a DataError, i.e. a 500): refuse it like an overdraft.
            log_refusal("balance_too_large", user_id=account.owner_id, account_id=pk, amount=delta)
            raise ValidationError(
                {"amount": _("That would take the balance of “%(name)s” beyond the largest amount "
                             "an account can hold.") % {"name": account.name}}
            )
        if delta < 0 and new_balance < -account.credit_limit:
            log_refusal("overdraft", user_id=account.owner_id, account_id=pk, amount=-delta,
                        available=account.available, currency=account.currency)
            raise ValidationError(
                {"amount": _("Not enough money in “%(name)s”: this would take the balance to %(balance)s. "
                             "Available: %(available)s.") % {
                    "name": account.name, "balance": format_money(new_balance, account.currency),
                    "available": format_money(account.available, account.currency)}}
            )
        Account.objects.filter(pk=pk).update(balance=F("balance") + delta)
        account.balance = new_balance


def effects(rows) -> dict[int, Decimal]:
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        deltas[row.account_id] += row.signed_amount
    return deltas


def _bump_buckets(model, buckets: dict[tuple, list], *, period: str) -> None:
    """Removing: one update per bucket of ``model``'s table, whose bucket is (owner, account,
    category, ``period``, kind). (Adding is ``_add_to_buckets``.)"""
    table = model._meta.db_table
    # The bucket exists (the row being removed was counted in it). PostgreSQL checks
    # constraints on the proposed INSERT row, so removal is a plain UPDATE.
    sql = (
        f"UPDATE {table} SET total = total + %s, count = count + %s "  # noqa: S608
        f"WHERE owner_id = %s AND account_id = %s AND category_id = %s AND {period} = %s AND kind = %s"
    )
    params = [(total, count, *key) for key, (total, count) in sorted(buckets.items())]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def bump_totals(rows, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) income/expense rows from the monthly and the daily
    totals, with upserts that are safe under concurrency (buckets in one order: two postings
    take their row locks in the same order)."""
    months: dict[tuple, list] = {}
    days: dict[tuple, list] = {}
    for row in rows:
        if row.kind not in (Kind.INCOME, Kind.EXPENSE):
            continue
        for buckets, when in ((months, row.occurred_on.replace(day=1)), (days, row.occurred_on)):
            total = buckets.setdefault((row.owner_id, row.account_id, row.category_id, when, row.kind),
                                       [Decimal(0), 0])
            total[0] += sign * row.amount
            total[1] += sign
    if not months:
        return
    if sign > 0:
        _add_to_buckets(months, days)
    else:
        _bump_buckets(MonthlyTotal, months, period="month")
        _bump_buckets(DailyTotal, days, period="day")


def _upsert_sql(model, *, period: str) -> str:
    """An upsert of ``model``'s buckets from seven arrays (one element per bucket), in the
    arrays' order."""
    table = model._meta.db_table
    return (
        f"INSERT INTO {table} (owner_id, account_id, category_id, {period}, kind, total, count) "  # noqa: S608
        "SELECT owner_id, account_id, category_id, period, kind, total, count "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::date[], %s::text[], %s::numeric[], %s::int[]) "
        "WITH ORDINALITY AS b(owner_id, account_id, category_id, period, kind, total, count, position) "
        "ORDER BY position "
        f"ON CONFLICT (account_id, category_id, {period}, kind) DO UPDATE "
        f"SET total = {table}.total + EXCLUDED.total, count = {table}.count + EXCLUDED.count"
    )


# Both tables' upserts in one statement (issue 17: one of a posting's thirty round trips
# fewer). Which table's rows PostgreSQL locks first is its choice, the same for every posting;
# and a bucket belongs to one account, whose row every money movement locks first, so two
# postings of one bucket never run side by side anyway.
_ADD_TO_BUCKETS_SQL = (f"WITH monthly AS ({_upsert_sql(MonthlyTotal, period='month')}) "
                       + _upsert_sql(DailyTotal, period="day"))


def _add_to_buckets(months: dict[tuple, list], days: dict[tuple, list]) -> None:
    """Add to the monthly and the daily buckets, each set in sorted order, in one statement."""
    def columns(buckets):
        rows = [(*key, total, count) for key, (total, count) in sorted(buckets.items())]
        return [list(column) for column in zip(*rows, strict=True)]

    with connection.cursor() as cursor:
        cursor.execute(_ADD_TO_BUCKETS_SQL, [*columns(months), *columns(days)])


def ledger_version_bump(*, user) -> None:
    """Raise the user's ledger version (one upsert), inside the caller's transaction: a cache
    keyed by it can never serve figures from before this change once it commits. Every ledger
    change does it (``announce``), and so does what relabels the figures (a category renamed)."""
    table = LedgerVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (owner_id, version) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (owner_id) DO UPDATE SET version = {table}.version + 1",
            [user.pk],
        )


def announce(*, user, changes: list[LedgerChange], **signal_kwargs) -> None:
    """The end of every change of a user's ledger, inside its transaction: raise the user's
    ledger version, then send ``ledger_changed`` (budgets, alerts, audit)."""
    ledger_version_bump(user=user)
    ledger_changed.send(sender=Transaction, user=user, changes=changes, **signal_kwargs)


def changes_of(rows, action) -> list[LedgerChange]:
    return [
        LedgerChange(transaction_id=r.pk, kind=r.kind, category_id=r.category_id, amount=r.amount,
                     occurred_on=r.occurred_on, action=action, account_id=r.account_id)
        for r in rows
    ]


def claim_token(*, user, token):
    """Record the form's one-time token. Returns (submission, is_first). A concurrent
    duplicate waits on the unique index until the first commits, then sees it."""
    if not token:
        return None, True
    # ``ON CONFLICT DO NOTHING`` rather than an INSERT in a savepoint that an IntegrityError
    # rolls back: the same wait on the unique index, two round trips fewer (issue 17).
    created_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_TOKEN_SQL, [user.pk, token, created_at])
        row = cursor.fetchone()
    if row is None:
        return FormSubmission.objects.select_related("transaction").get(owner=user, token=token), False
    return FormSubmission.from_db(connection.alias, ["id", "owner_id", "token", "transaction_id", "created_at"],
                                  [row[0], user.pk, token, None, created_at]), True


_CLAIM_TOKEN_SQL = (
    f"INSERT INTO {table(FormSubmission)} ({column(FormSubmission, 'owner')}, {column(FormSubmission, 'token')}, "  # noqa: S608
    f"{column(FormSubmission, 'created_at')}) VALUES (%s, %s, %s) "
    f"ON CONFLICT ({column(FormSubmission, 'owner')}, {column(FormSubmission, 'token')}) DO NOTHING "
    f"RETURNING {column(FormSubmission, 'id')}"
)


def replayed(submission):
    if submission.transaction is None:
        log_refusal("form_already_submitted", user_id=submission.owner_id)
        raise ValidationError(_("This form was already submitted."))
    return submission.transaction


def check_category(*, user, category, entry_kind: str | None = None) -> Category:
    """``category`` is one the user may choose (theirs or a default one they have not hidden)
    and, given ``entry_kind`` ("income" or "expense"), one for that kind of entry."""
    if category is None or not Category.objects.usable_by(user).filter(pk=category.pk).exists():
        log_refusal("category_not_owned", user_id=user.pk, category_id=getattr(category, "pk", None))
        raise ValidationError({"category": _("Choose one of your categories.")})
    if entry_kind in (Kind.INCOME, Kind.EXPENSE) and not category.fits(entry_kind):
        log_refusal("category_kind_mismatch", user_id=user.pk, category_id=category.pk, kind=entry_kind)
        raise ValidationError({"category": _("“%(name)s” is a category for %(kind)s: choose one for %(entry)s.") % {
            "name": category.name, "kind": category.kind_in_sentence,
            "entry": ENTRY_KIND_IN_SENTENCE[entry_kind]}})
    return category


def check_date(*, user, accounts, occurred_on: date, confirm_far_future: bool = False) -> None:
    """An entry cannot be dated before its account was opened; one dated more than
    FAR_FUTURE_DAYS ahead (in the user's time zone) needs ``confirm_far_future``."""
    if not in_date_range(occurred_on):
        log_refusal("date_out_of_range", user_id=user.pk, occurred_on=occurred_on)
        raise ValidationError({"occurred_on": _("Choose a date between the years %(first)s and %(last)s.") % {
            "first": MIN_YEAR, "last": MAX_YEAR}})
    for account in accounts:
        if occurred_on < account.opened_on:
            log_refusal("before_account_opened", user_id=user.pk, account_id=account.pk, occurred_on=occurred_on)
            raise ValidationError({"occurred_on": _("“%(name)s” was opened on %(day)s: choose that day or a later one.")
                                   % {"name": account.name, "day": format_day(account.opened_on)}})
    if not confirm_far_future and occurred_on > user_today(user) + timedelta(days=FAR_FUTURE_DAYS):
        log_refusal("far_future_unconfirmed", user_id=user.pk, occurred_on=occurred_on)
        raise ValidationError({"occurred_on": ValidationError(
            _("%(day)s is more than a year from today. If that is right, tick the box to confirm.") % {
                "day": format_day(occurred_on)},
            code="far_future")})


def record(rows, *, user, submission=None, action="created", **signal_kwargs):
    """Write new ``rows``, each made with the account row its caller locked and moved (or,
    opening an account, created): those rows go with ``ledger_changed`` as ``accounts``."""
    Transaction.objects.bulk_create(rows)
    bump_totals(rows, +1)
    if submission is not None:
        submission.transaction = rows[0]
        submission.save(update_fields=["transaction"])
    accounts = {row.account_id: row.account for row in rows}
    announce(user=user, changes=changes_of(rows, action), accounts=accounts, **signal_kwargs)
