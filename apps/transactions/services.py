"""Every money movement of BankDash, in one place.

Each public function is one ``transaction.atomic`` block that
1. claims the form's one-time token (if given), so a replayed POST posts once;
2. locks the account rows it touches with ``SELECT ... FOR UPDATE`` in primary-key
   order (two transfers in opposite directions cannot deadlock);
3. refuses a change that would overdraw (``ValidationError`` with a message a
   customer understands), then moves the balance with an ``F()`` update;
4. writes the ledger rows and the monthly totals;
5. sends ``ledger_changed`` inside the same transaction (budgets, alerts).

So ``account.balance == sum(credits) - sum(debits)`` holds at every commit, and the
database constraints (balance >= 0 or >= -credit limit, amount > 0) are the last guard.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from apps.accounts.models import Account

from .models import Category, FormSubmission, MonthlyTotal, Transaction
from .signals import LedgerChange, ledger_changed

Kind = Transaction.Kind
CENT = Decimal("0.01")
MAX_BALANCE = Decimal("1e12")  # Account.balance is NUMERIC(14, 2)


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------

def _money(amount) -> Decimal:
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": "Enter an amount as a number, for example 12.50."}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": "Enter an amount greater than zero."})
    if amount >= Decimal("1e12"):  # first: quantizing 1e309 to cents raises InvalidOperation
        raise ValidationError({"amount": "That amount is too large."})
    if amount != amount.quantize(CENT):
        raise ValidationError({"amount": "Amounts have at most two decimal places."})
    return amount.quantize(CENT)


def _lock_accounts(*, user, account_ids) -> dict[int, Account]:
    """Lock the user's accounts in primary-key order; another user's id is 'not found'."""
    ids = sorted({int(i) for i in account_ids})
    accounts = {a.pk: a for a in Account.objects.select_for_update().filter(owner=user, pk__in=ids).order_by("pk")}
    if len(accounts) != len(ids):
        raise ValidationError({"account": "Choose one of your accounts."})
    return accounts


def _apply_deltas(accounts: dict[int, Account], deltas: dict[int, Decimal]) -> None:
    """Move locked balances by ``deltas``, refusing any overdraft."""
    for pk in sorted(deltas):
        delta = deltas[pk]
        if delta == 0:
            continue
        account = accounts[pk]
        if account.is_closed:
            raise ValidationError({"account": f"The account “{account.name}” is closed."})
        new_balance = account.balance + delta
        if delta > 0 and new_balance >= MAX_BALANCE:
            # The column would overflow (a DataError, i.e. a 500): refuse it like an overdraft.
            raise ValidationError(
                {"amount": f"That would take the balance of “{account.name}” beyond the largest amount "
                           f"an account can hold."}
            )
        if delta < 0 and new_balance < -account.credit_limit:
            raise ValidationError(
                {"amount": f"Not enough money in “{account.name}”: this would take the balance to "
                           f"{new_balance:,.2f} {account.currency}. "
                           f"Available: {account.available:,.2f} {account.currency}."}
            )
        Account.objects.filter(pk=pk).update(balance=F("balance") + delta)
        account.balance = new_balance


def _effects(rows) -> dict[int, Decimal]:
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        deltas[row.account_id] += row.signed_amount
    return deltas


def _bump_monthly_totals(rows, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) income/expense rows from the monthly totals,
    with an upsert that is safe under concurrency."""
    buckets: dict[tuple, list] = {}
    for row in rows:
        if row.kind not in (Kind.INCOME, Kind.EXPENSE):
            continue
        key = (row.owner_id, row.account_id, row.category_id, row.occurred_on.replace(day=1), row.kind)
        total = buckets.setdefault(key, [Decimal(0), 0])
        total[0] += sign * row.amount
        total[1] += sign
    if not buckets:
        return
    table = MonthlyTotal._meta.db_table
    if sign > 0:
        sql = (
            f"INSERT INTO {table} (owner_id, account_id, category_id, month, kind, total, count) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (account_id, category_id, month, kind) DO UPDATE "
            f"SET total = {table}.total + EXCLUDED.total, count = {table}.count + EXCLUDED.count"
        )
        params = [(*key, total, count) for key, (total, count) in sorted(buckets.items())]
    else:
        # The bucket exists (the row being removed was counted in it). PostgreSQL checks
        # constraints on the proposed INSERT row, so removal is a plain UPDATE.
        sql = (
            f"UPDATE {table} SET total = total + %s, count = count + %s "  # noqa: S608
            "WHERE owner_id = %s AND account_id = %s AND category_id = %s AND month = %s AND kind = %s"
        )
        params = [(total, count, *key) for key, (total, count) in sorted(buckets.items())]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _changes(rows, action) -> list[LedgerChange]:
    return [
        LedgerChange(transaction_id=r.pk, kind=r.kind, category_id=r.category_id, amount=r.amount,
                     occurred_on=r.occurred_on, action=action)
        for r in rows
    ]


def _claim_token(*, user, token):
    """Record the form's one-time token. Returns (submission, is_first). A concurrent
    duplicate waits on the unique index until the first commits, then sees it."""
    if not token:
        return None, True
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(owner=user, token=token), True
    except IntegrityError:
        return FormSubmission.objects.select_related("transaction").get(owner=user, token=token), False


def _replayed(submission):
    if submission.transaction is None:
        raise ValidationError("This form was already submitted.")
    return submission.transaction


def _check_category(*, user, category) -> Category:
    if category is None or not Category.objects.for_user(user).filter(pk=category.pk).exists():
        raise ValidationError({"category": "Choose one of your categories."})
    return category


def _record(rows, *, user, submission=None, action="created"):
    Transaction.objects.bulk_create(rows)
    _bump_monthly_totals(rows, +1)
    if submission is not None:
        submission.transaction = rows[0]
        submission.save(update_fields=["transaction"])
    ledger_changed.send(sender=Transaction, user=user, changes=_changes(rows, action))


# ---------------------------------------------------------------------------
# Public services
# ---------------------------------------------------------------------------

@transaction.atomic
def account_open(*, user, name: str, kind: str = Account.Kind.CHECKING, currency: str | None = None,
                 institution: str = "", number_last4: str = "", credit_limit: Decimal = Decimal(0),
                 opened_on: date | None = None, opening_balance: Decimal = Decimal(0)) -> Account:
    """Open an account; a non-zero opening balance is its first ledger entry."""
    from django.utils import timezone

    opened_on = opened_on or timezone.localdate()
    if credit_limit is None or Decimal(credit_limit) < 0:
        raise ValidationError({"credit_limit": "The credit limit cannot be negative."})
    account = Account.objects.create(
        owner=user, name=name, kind=kind, currency=(currency or user.default_currency).upper(),
        institution=institution, number_last4=number_last4,
        credit_limit=credit_limit if kind == Account.Kind.CREDIT_CARD else Decimal(0),
        opened_on=opened_on,
    )
    if opening_balance:
        amount = _money(opening_balance)
        _apply_deltas({account.pk: account}, {account.pk: amount})
        _record([Transaction(owner=user, account=account, kind=Kind.OPENING, amount=amount,
                             occurred_on=opened_on, description="Opening balance")], user=user)
    return account


def _post(*, user, account_id, kind, amount, category, description, occurred_on, form_token) -> Transaction:
    submission, first = _claim_token(user=user, token=form_token)
    if not first:
        return _replayed(submission)
    amount = _money(amount)
    _check_category(user=user, category=category)
    accounts = _lock_accounts(user=user, account_ids=[account_id])
    row = Transaction(owner=user, account=accounts[int(account_id)], kind=kind, amount=amount,
                      category=category, description=description, occurred_on=occurred_on)
    _apply_deltas(accounts, _effects([row]))
    _record([row], user=user, submission=submission)
    return row


@transaction.atomic
def post_income(*, user, account_id: int, amount: Decimal, category: Category, occurred_on: date,
                description: str = "", form_token: uuid.UUID | None = None) -> Transaction:
    return _post(user=user, account_id=account_id, kind=Kind.INCOME, amount=amount, category=category,
                 description=description, occurred_on=occurred_on, form_token=form_token)


@transaction.atomic
def post_expense(*, user, account_id: int, amount: Decimal, category: Category, occurred_on: date,
                 description: str = "", form_token: uuid.UUID | None = None) -> Transaction:
    return _post(user=user, account_id=account_id, kind=Kind.EXPENSE, amount=amount, category=category,
                 description=description, occurred_on=occurred_on, form_token=form_token)


@transaction.atomic
def transfer(*, user, from_account_id: int, to_account_id: int, amount: Decimal, occurred_on: date,
             description: str = "", form_token: uuid.UUID | None = None) -> Transaction:
    """Move money between two of the user's own accounts; returns the outgoing leg."""
    if int(from_account_id) == int(to_account_id):
        raise ValidationError({"to_account": "Choose two different accounts."})
    submission, first = _claim_token(user=user, token=form_token)
    if not first:
        return _replayed(submission)
    amount = _money(amount)
    accounts = _lock_accounts(user=user, account_ids=[from_account_id, to_account_id])
    source, target = accounts[int(from_account_id)], accounts[int(to_account_id)]
    if source.currency != target.currency:
        raise ValidationError(
            {"to_account": f"Transfers need two accounts in the same currency "
                           f"({source.currency} and {target.currency} differ)."}
        )
    transfer_id = uuid.uuid4()
    legs = [
        Transaction(owner=user, account=source, kind=Kind.TRANSFER_OUT, amount=amount, occurred_on=occurred_on,
                    description=description, transfer_id=transfer_id),
        Transaction(owner=user, account=target, kind=Kind.TRANSFER_IN, amount=amount, occurred_on=occurred_on,
                    description=description, transfer_id=transfer_id),
    ]
    _apply_deltas(accounts, _effects(legs))
    _record(legs, user=user, submission=submission)
    return legs[0]


def _lock_entry_rows(*, user, transaction_id) -> list[Transaction]:
    """The row (both legs for a transfer), locked; another user's id is 'not found'."""
    row = Transaction.objects.filter(owner=user, pk=transaction_id).first()
    if row is None:
        raise Transaction.DoesNotExist("No such transaction.")
    query = Transaction.objects.filter(transfer_id=row.transfer_id) if row.transfer_id else \
        Transaction.objects.filter(pk=row.pk)
    rows = list(query.select_for_update().order_by("pk"))
    if not rows:  # deleted by a concurrent request between the read and the lock
        raise Transaction.DoesNotExist("No such transaction.")
    return rows


@transaction.atomic
def edit_transaction(*, user, transaction_id: int, amount: Decimal, occurred_on: date, description: str = "",
                     category: Category | None = None, account_id: int | None = None) -> Transaction:
    """Change an entry (both legs of a transfer). Refused if it would overdraw any account."""
    amount = _money(amount)
    old_rows = _lock_entry_rows(user=user, transaction_id=transaction_id)
    new_rows = []
    for old in old_rows:
        new = Transaction(pk=old.pk, owner_id=old.owner_id, account_id=old.account_id, kind=old.kind, amount=amount,
                          category_id=old.category_id, description=description, occurred_on=occurred_on,
                          created_at=old.created_at, transfer_id=old.transfer_id)
        if old.kind in (Kind.INCOME, Kind.EXPENSE):
            new.category = _check_category(user=user, category=category or old.category)
            if account_id is not None:
                new.account_id = int(account_id)
        new_rows.append(new)
    deltas = _effects(new_rows)
    for pk, delta in _effects(old_rows).items():
        deltas[pk] -= delta
    # Lock every account involved (the entry's rows first, then accounts, always in pk order).
    accounts = _lock_accounts(user=user, account_ids={r.account_id for r in old_rows + new_rows})
    _apply_deltas(accounts, deltas)
    _bump_monthly_totals(old_rows, -1)
    Transaction.objects.bulk_update(new_rows, ["account", "amount", "category", "description", "occurred_on"])
    _bump_monthly_totals(new_rows, +1)
    ledger_changed.send(sender=Transaction, user=user,
                        changes=_changes(old_rows, "edited") + _changes(new_rows, "edited"))
    return next(r for r in new_rows if r.pk == int(transaction_id))


@transaction.atomic
def delete_transaction(*, user, transaction_id: int) -> None:
    """Remove an entry (both legs of a transfer). Refused if it would overdraw."""
    rows = _lock_entry_rows(user=user, transaction_id=transaction_id)
    accounts = _lock_accounts(user=user, account_ids={r.account_id for r in rows})
    _apply_deltas(accounts, {pk: -delta for pk, delta in _effects(rows).items()})
    _bump_monthly_totals(rows, -1)
    changes = _changes(rows, "deleted")
    FormSubmission.objects.filter(transaction__in=rows).update(transaction=None)
    Transaction.objects.filter(pk__in=[r.pk for r in rows]).delete()
    ledger_changed.send(sender=Transaction, user=user, changes=changes)


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------

@transaction.atomic
def category_create(*, user, name: str) -> Category:
    """Add one of the user's own categories; a name the user already has (their own or a
    default one, ignoring case) is refused."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter a name for the category."})
    if Category.objects.for_user(user).filter(name__iexact=name).exists():
        raise ValidationError({"name": f"You already have a category called “{name}”."})
    try:
        with transaction.atomic():
            return Category.objects.create(owner=user, name=name)
    except IntegrityError:  # the same name created by a concurrent request
        raise ValidationError({"name": f"You already have a category called “{name}”."}) from None


# ---------------------------------------------------------------------------
# Operators: repair the stored balances and monthly totals from the ledger rows
# ---------------------------------------------------------------------------

@dataclass
class LedgerRepair:
    """What ``ledger_repair`` changed, and what it could not change."""

    balances: list = field(default_factory=list)  # selectors.BalanceMismatch, now repaired
    monthly_totals: list = field(default_factory=list)  # selectors.MonthlyTotalMismatch, now repaired
    failed: list = field(default_factory=list)  # (BalanceMismatch, reason): the ledger breaks a constraint

    @property
    def changed(self) -> bool:
        return bool(self.balances or self.monthly_totals)


@transaction.atomic
def ledger_repair() -> LedgerRepair:
    """Set every stored balance and monthly total that differs from the ledger rows to
    the ledger's figure. The suspect accounts are locked (as every posting locks them)
    and the differences read again under the lock, so a posting that commits meanwhile
    is neither lost nor counted twice."""
    from .selectors import balance_mismatches, monthly_total_mismatches

    suspects = {m.account_id for m in balance_mismatches()} | {m.account_id for m in monthly_total_mismatches()}
    report = LedgerRepair()
    if not suspects:
        return report
    list(Account.objects.select_for_update().filter(pk__in=suspects).order_by("pk"))
    for mismatch in balance_mismatches(account_ids=suspects):
        try:
            with transaction.atomic():
                Account.objects.filter(pk=mismatch.account_id).update(balance=mismatch.ledger)
        except IntegrityError as exc:
            # e.g. a ledger that sums below zero on a checking account: needs a person.
            report.failed.append((mismatch, str(exc).splitlines()[0]))
        else:
            report.balances.append(mismatch)
    table = MonthlyTotal._meta.db_table
    with connection.cursor() as cursor:
        for bucket in monthly_total_mismatches(account_ids=suspects):
            if bucket.ledger_count:
                cursor.execute(
                    f"INSERT INTO {table} (owner_id, account_id, category_id, month, kind, total, count) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (account_id, category_id, month, kind) DO UPDATE "
                    "SET owner_id = EXCLUDED.owner_id, total = EXCLUDED.total, count = EXCLUDED.count",
                    [bucket.owner_id, bucket.account_id, bucket.category_id, bucket.month, bucket.kind,
                     bucket.ledger_total, bucket.ledger_count],
                )
            else:
                MonthlyTotal.objects.filter(account_id=bucket.account_id, category_id=bucket.category_id,
                                            month=bucket.month, kind=bucket.kind).delete()
            report.monthly_totals.append(bucket)
    return report


# ---------------------------------------------------------------------------
# Staff corrections (issue 6 point 5; called from the audit admin)
# ---------------------------------------------------------------------------

@transaction.atomic
def adjustment_post(*, staff_user, account_id: int, amount: Decimal, reason: str) -> Transaction:
    """A staff correction: a ledger entry (credit if ``amount`` > 0, debit if < 0) on any
    customer's account, with the reason as its description. Balances never change
    silently: ``ledger_changed`` carries ``actor`` and ``reason`` for the audit trail."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    if not (staff_user.is_active and staff_user.is_staff):
        raise PermissionDenied("Only staff can post corrections.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for this correction."})
    try:
        signed = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": "Enter an amount as a number, for example -12.50."}) from None
    size = _money(abs(signed) if signed.is_finite() else signed)
    account = Account.objects.select_related("owner").filter(pk=account_id).first()
    if account is None:
        raise ValidationError({"account": "There is no such account."})
    owner = account.owner
    accounts = _lock_accounts(user=owner, account_ids=[account.pk])
    row = Transaction(owner=owner, account=accounts[account.pk], amount=size, description=reason[:255],
                      kind=Kind.ADJUSTMENT_IN if signed > 0 else Kind.ADJUSTMENT_OUT,
                      occurred_on=timezone.localdate())
    _apply_deltas(accounts, _effects([row]))
    Transaction.objects.bulk_create([row])
    ledger_changed.send(sender=Transaction, user=owner, changes=_changes([row], "created"),
                        actor=staff_user, reason=reason)
    return row
