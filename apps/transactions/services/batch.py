"""Many entries in one atomic posting (a statement import), and removing them again (its undo).

``entries_post`` takes the steps of every posting (``ledger``) once for the whole batch: the
accounts are locked once in primary-key order, each entry's date and category are checked,
the balances are run through the entries in their order (so the error names the entry that
would take an account below its floor), the rows are written with one ``bulk_create``, the
monthly totals with one upsert, and ONE ``ledger_changed`` is sent for the batch, so budgets
and alerts are checked once per budget, not once per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.dates import MAX_YEAR, MIN_YEAR, in_date_range, user_today
from apps.core.formats import format_day
from apps.core.money import MAX_AMOUNT, cents, format_money

from ..models import (
    CATEGORY_KIND_IN_SENTENCE,
    ENTRY_KIND_IN_SENTENCE,
    Category,
    CategoryKind,
    FormSubmission,
    Transaction,
)
from ..payees import clean_payee
from .ledger import (
    FAR_FUTURE_DAYS,
    Kind,
    announce,
    apply_deltas,
    bump_totals,
    changes_of,
    effects,
    lock_accounts,
    log_refusal,
    record,
)

# Kinds an entry of a batch may have ("transfer" is two legs: out of account_id, into to_account_id).
BATCH_KINDS = (Kind.INCOME, Kind.EXPENSE, "transfer")
# Only entries a customer may post may be removed by a batch undo.
DELETABLE_KINDS = (Kind.INCOME, Kind.EXPENSE, Kind.TRANSFER_IN, Kind.TRANSFER_OUT)


@dataclass(frozen=True)
class BatchEntry:
    """One entry to post. ``amount`` > 0; the kind gives its direction. ``label`` names the
    entry in error messages ("line 12")."""

    account_id: int
    kind: str
    amount: Decimal
    occurred_on: date
    category_id: int | None = None
    description: str = ""
    payee: str = ""
    to_account_id: int | None = None
    label: str = ""


class BatchEntryError(ValidationError):
    """A batch refused because of one entry: ``index`` is its position in the list given;
    ``reason`` says why in a code that does not depend on the language ("overdraft", ...)."""

    def __init__(self, index: int, label: str, message: str, reason: str = ""):
        self.index = index
        self.label = label
        self.reason = reason
        name = label or _("Entry %(number)s") % {"number": index + 1}
        super().__init__({"entries": _("%(entry)s: %(problem)s") % {"entry": name, "problem": message}})


def _refuse(index: int, entry: BatchEntry, message: str, *, user_id, reason: str):
    log_refusal(reason, user_id=user_id, entry_index=index, account_id=entry.account_id)
    raise BatchEntryError(index, entry.label, message, reason)


def _check_entries(*, user, entries: Sequence[BatchEntry], accounts) -> None:
    """Kinds, amounts, accounts, dates and categories of every entry (one query for the categories)."""
    today = user_today(user)
    far = today + timedelta(days=FAR_FUTURE_DAYS)
    category_ids = {e.category_id for e in entries if e.category_id is not None}
    # What the user may choose (their own, and the defaults they have not hidden), with each one's kind.
    usable = dict(Category.objects.usable_by(user).filter(pk__in=category_ids).values_list("pk", "kind"))
    for index, entry in enumerate(entries):
        if entry.kind not in BATCH_KINDS:
            _refuse(index, entry, _("this kind of entry cannot be imported."), user_id=user.pk, reason="batch_kind")
        try:
            cents(entry.amount)
        except ValidationError as error:
            _refuse(index, entry, " ".join(error.messages), user_id=user.pk, reason="batch_amount")
        involved = [accounts[entry.account_id]]
        if entry.kind == "transfer":
            if entry.to_account_id is None or entry.to_account_id == entry.account_id:
                _refuse(index, entry, _("a transfer needs two different accounts."), user_id=user.pk,
                        reason="same_account_transfer")
            target = accounts[entry.to_account_id]
            if target.currency != involved[0].currency:
                _refuse(index, entry, _("transfers need two accounts in the same currency (%(first)s and %(second)s "
                                        "differ).") % {"first": involved[0].currency, "second": target.currency},
                        user_id=user.pk, reason="currency_mismatch")
            involved.append(target)
        elif entry.category_id not in usable:
            _refuse(index, entry, _("choose one of your categories."), user_id=user.pk, reason="category_not_owned")
        elif usable[entry.category_id] not in (entry.kind, CategoryKind.BOTH):
            _refuse(index, entry, _("this category is for %(kind)s: choose one for %(entry)s.") % {
                "kind": CATEGORY_KIND_IN_SENTENCE[usable[entry.category_id]],
                "entry": ENTRY_KIND_IN_SENTENCE[entry.kind]}, user_id=user.pk,
                    reason="category_kind_mismatch")
        if not in_date_range(entry.occurred_on):
            _refuse(index, entry, _("choose a date between the years %(first)s and %(last)s.") % {
                "first": MIN_YEAR, "last": MAX_YEAR}, user_id=user.pk, reason="date_out_of_range")
        if entry.occurred_on > far:
            _refuse(index, entry, _("%(day)s is more than a year from today.") % {
                "day": format_day(entry.occurred_on)}, user_id=user.pk, reason="far_future")
        for account in involved:
            if account.is_closed:
                _refuse(index, entry, _("the account “%(name)s” is closed.") % {"name": account.name},
                        user_id=user.pk, reason="account_closed")
            if entry.occurred_on < account.opened_on:
                _refuse(index, entry, _("“%(name)s” was opened on %(opened)s, after %(day)s.") % {
                    "name": account.name, "opened": format_day(account.opened_on),
                    "day": format_day(entry.occurred_on)}, user_id=user.pk, reason="before_account_opened")


def _rows_of(*, user, entries: Sequence[BatchEntry], accounts) -> list[list[Transaction]]:
    """The ledger rows of each entry (two legs for a transfer)."""
    result = []
    for entry in entries:
        amount = cents(entry.amount)
        account = accounts[entry.account_id]
        if entry.kind == "transfer":
            transfer_id = uuid.uuid4()
            result.append([
                Transaction(owner=user, account=account, kind=Kind.TRANSFER_OUT, amount=amount,
                            occurred_on=entry.occurred_on, description=entry.description, transfer_id=transfer_id),
                Transaction(owner=user, account=accounts[entry.to_account_id], kind=Kind.TRANSFER_IN, amount=amount,
                            occurred_on=entry.occurred_on, description=entry.description, transfer_id=transfer_id),
            ])
        else:
            result.append([Transaction(owner=user, account=account, kind=entry.kind, amount=amount,
                                       category_id=entry.category_id, description=entry.description,
                                       payee=clean_payee(entry.payee, description=entry.description),
                                       occurred_on=entry.occurred_on)])
    return result


def _run_balances(*, user, entries, rows_per_entry, accounts) -> None:
    """Walk the balances through the entries in their order; the first entry that would take
    an account below its floor (0, or minus the credit limit) or past the largest balance is named."""
    running = {pk: account.balance for pk, account in accounts.items()}
    for index, rows in enumerate(rows_per_entry):
        for row in rows:
            account = accounts[row.account_id]
            running[account.pk] += row.signed_amount
            balance = running[account.pk]
            if row.signed_amount < 0 and balance < -account.credit_limit:
                _refuse(index, entries[index],
                        _("not enough money in “%(name)s”: this would take the balance to %(balance)s.") % {
                            "name": account.name, "balance": format_money(balance, account.currency)},
                        user_id=user.pk, reason="overdraft")
            if row.signed_amount > 0 and balance >= MAX_AMOUNT:
                _refuse(index, entries[index],
                        _("this would take the balance of “%(name)s” beyond the largest amount an account "
                          "can hold.") % {"name": account.name}, user_id=user.pk, reason="balance_too_large")


@transaction.atomic
def entries_post(*, user, entries: Sequence[BatchEntry], **signal_kwargs) -> list[list[Transaction]]:
    """Post every entry or none. Returns the ledger rows of each entry, in the order given.
    Refused with ``BatchEntryError`` (a ValidationError naming the entry) if any entry is
    invalid or would overdraw an account at its place in the order. ``signal_kwargs`` go
    with the batch's one ``ledger_changed``."""
    if not entries:
        return []
    account_ids = {e.account_id for e in entries} | {e.to_account_id for e in entries if e.to_account_id}
    accounts = lock_accounts(user=user, account_ids=account_ids)
    _check_entries(user=user, entries=entries, accounts=accounts)
    rows_per_entry = _rows_of(user=user, entries=entries, accounts=accounts)
    _run_balances(user=user, entries=entries, rows_per_entry=rows_per_entry, accounts=accounts)
    rows = [row for rows in rows_per_entry for row in rows]
    # The walk above is the real check; apply_deltas moves the locked balances (and would
    # refuse the net result like any posting).
    apply_deltas(accounts, effects(rows))
    record(rows, user=user, **signal_kwargs)
    return rows_per_entry


@transaction.atomic
def entries_delete(*, user, transaction_ids: Sequence[int], **signal_kwargs) -> int:
    """Remove these entries (and the other leg of each transfer, the other parts of each split
    entry) in one atomic step, with one
    ``ledger_changed``. Refused if any is not the user's, is a correction or an opening
    balance, or if removing them would overdraw an account. Returns how many rows went."""
    ids = sorted({int(i) for i in transaction_ids})
    if not ids:
        return 0
    found = list(Transaction.objects.filter(owner=user, pk__in=ids).values_list("pk", "transfer_id", "split_id"))
    if len(found) != len(ids):
        raise ValidationError(_("Some of these entries no longer exist."))
    transfer_ids = {t for _, t, _s in found if t}
    split_ids = {s for _, _t, s in found if s}
    query = Transaction.objects.filter(owner=user, pk__in=ids)
    if transfer_ids:
        query = query | Transaction.objects.filter(owner=user, transfer_id__in=transfer_ids)
    if split_ids:
        query = query | Transaction.objects.filter(owner=user, split_id__in=split_ids)
    rows = list(query.select_for_update().order_by("pk"))
    if split_ids:  # parts added while this waited for its locks (postings.lock_entry_rows)
        rows = list(query.select_for_update().order_by("pk"))
    if {r.pk for r in rows} < set(ids):  # removed by a concurrent request between the read and the lock
        raise ValidationError(_("Some of these entries no longer exist."))
    if any(r.kind not in DELETABLE_KINDS for r in rows):
        log_refusal("batch_delete_locked_kind", user_id=user.pk)
        raise ValidationError(_("Opening balances and staff corrections cannot be removed here."))
    accounts = lock_accounts(user=user, account_ids={r.account_id for r in rows})
    apply_deltas(accounts, {pk: -delta for pk, delta in effects(rows).items()})
    bump_totals(rows, -1)
    changes = changes_of(rows, "deleted")
    FormSubmission.objects.filter(transaction__in=rows).update(transaction=None)
    Transaction.objects.filter(pk__in=[r.pk for r in rows]).delete()
    announce(user=user, changes=changes, **signal_kwargs)
    return len(rows)
