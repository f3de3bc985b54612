"""Splitting one payment over several categories: a supermarket receipt that was groceries and
household, a salary with a bonus. The bank shows one line; the ledger holds one row per part
(income or expense rows of one account, date, payee and description, sharing ``split_id``),
so the budgets, the totals and the insights read each part in its own category while the
parts' sum stays what the bank shows. See ``ledger`` for the steps every change takes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.money import cents, format_money

from ..models import Category, FormSubmission, Transaction
from .ledger import Kind, announce, bump_totals, changes_of, check_category, lock_accounts, log_refusal
from .postings import lock_entry_rows

# More parts than a receipt has lines is a mistake (and a form of that many rows a page no one reads).
MAX_PARTS = 20
SPLITTABLE_KINDS = (Kind.INCOME, Kind.EXPENSE)


@transaction.atomic
def entry_split(*, user, transaction_id: int, parts: Sequence[tuple[Decimal, Category]]) -> list[Transaction]:
    """Share the entry out over ``parts``, ``(amount, category)`` pairs whose amounts add up to
    the entry's (all its parts' if it is split already): what left or reached the account does
    not change, so no balance moves. One part joins a split entry back into one. The entry's
    first row keeps its id (an import's or a bill's link to it stays), later rows are reused
    in order, parts beyond them are new rows and rows beyond the parts go. Returns the parts,
    in order."""
    rows = lock_entry_rows(user=user, transaction_id=transaction_id)
    first = rows[0]
    if first.kind not in SPLITTABLE_KINDS:
        log_refusal("split_not_splittable", user_id=user.pk, transaction_id=int(transaction_id), kind=first.kind)
        raise ValidationError(_("Only income and expenses can be split."))
    if not parts:
        raise ValidationError({"parts": _("Give at least one part.")})
    if len(parts) > MAX_PARTS:
        raise ValidationError({"parts": _("An entry can be split into at most %(count)s parts.") % {
            "count": MAX_PARTS}})
    # The account row first, as every money movement does (its totals' buckets are its own).
    account = lock_accounts(user=user, account_ids=[first.account_id])[first.account_id]
    total = sum(r.amount for r in rows)
    amounts = [cents(amount) for amount, _category in parts]
    shared = sum(amounts)
    if shared != total:
        log_refusal("split_sum_mismatch", user_id=user.pk, transaction_id=int(transaction_id), amount=total,
                    shared=shared)
        left = total - shared
        message = (_("The parts add up to %(shared)s; the entry is %(total)s: %(left)s is not in a part yet.")
                   if left > 0 else
                   _("The parts add up to %(shared)s; the entry is %(total)s: take %(left)s off the parts."))
        raise ValidationError({"parts": message % {
            "shared": format_money(shared, account.currency), "total": format_money(total, account.currency),
            "left": format_money(abs(left), account.currency)}})
    categories = [part_category for _amount, part_category in parts]
    # A part may keep a category the entry already had (hidden since, or of the other kind).
    checked = {r.category_id for r in rows}
    for category in categories:
        if category is None:
            raise ValidationError({"parts": _("Choose a category for each part.")})
        if category.pk not in checked:
            check_category(user=user, category=category, entry_kind=first.kind)
            checked.add(category.pk)
    split_id = (first.split_id or uuid.uuid4()) if len(parts) > 1 else None
    new_rows: list[Transaction] = []
    for position, (amount, category) in enumerate(zip(amounts, categories, strict=True)):
        old = rows[position] if position < len(rows) else None
        new_rows.append(Transaction(
            pk=old.pk if old else None, owner_id=first.owner_id, account_id=first.account_id, kind=first.kind,
            amount=amount, category=category, description=first.description, payee=first.payee,
            occurred_on=first.occurred_on, split_id=split_id, created_at=old.created_at if old else None))
    kept, added = new_rows[:len(rows)], new_rows[len(rows):]
    gone = rows[len(new_rows):]
    bump_totals(rows, -1)
    Transaction.objects.bulk_update(kept, ["amount", "category", "split_id"])
    if gone:
        FormSubmission.objects.filter(transaction__in=gone).update(transaction=None)
        Transaction.objects.filter(pk__in=[r.pk for r in gone]).delete()
    if added:
        Transaction.objects.bulk_create(added)
    bump_totals(new_rows, +1)
    announce(user=user, changes=changes_of(rows[:len(kept)], "edited") + changes_of(gone, "deleted")
             + changes_of(kept, "edited") + changes_of(added, "created"), split=True)
    return new_rows
