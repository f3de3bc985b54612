"""Changing the category and/or payee of many income and expense entries at once (a
categorisation rule applied to past entries). Balances do not move; the monthly totals
move from the old category's bucket to the new one's, and the budgets hear one
``ledger_changed`` for the whole batch."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Category, Transaction
from ..payees import PAYEE_MAX_LENGTH
from .ledger import Kind, announce, bump_totals, changes_of, log_refusal

RECATEGORISABLE_KINDS = (Kind.INCOME, Kind.EXPENSE)


def _clean_payee(payee: str) -> str:
    return " ".join(payee.split())[:PAYEE_MAX_LENGTH].strip()


@transaction.atomic
def entries_recategorise(*, user, changes) -> list[Transaction]:
    """Apply ``changes``, a list of ``(transaction_id, category or None, payee or None)``
    (None keeps what the entry has), in one transaction. Every id must be one of the user's
    income or expense entries (a staff correction, a transfer or another user's entry is
    refused, and nothing is changed). Returns the entries that changed."""
    wanted: dict[int, tuple[Category | None, str | None]] = {}
    for transaction_id, category, payee in changes:
        payee = _clean_payee(payee) if payee else None
        wanted[int(transaction_id)] = (category, payee or None)
    if not wanted:
        return []
    category_ids = {c.pk for c, _ in wanted.values() if c is not None}
    if category_ids and Category.objects.for_user(user).filter(pk__in=category_ids).count() != len(category_ids):
        log_refusal("category_not_owned", user_id=user.pk, category_ids=sorted(category_ids))
        raise ValidationError({"category": _("Choose one of your categories.")})
    # Lock the rows in primary-key order (as every posting does) before reading what they hold.
    rows = list(Transaction.objects.select_for_update().filter(owner=user, pk__in=wanted,
                                                               kind__in=RECATEGORISABLE_KINDS).order_by("pk"))
    if len(rows) != len(wanted):
        log_refusal("recategorise_not_changeable", user_id=user.pk, count=len(wanted) - len(rows))
        raise ValidationError(_("Some of these entries were changed or deleted meanwhile, or cannot be changed "
                                "here: nothing was changed. Please review them again."))
    old_rows, new_rows = [], []
    for old in rows:
        category, payee = wanted[old.pk]
        new_category_id = category.pk if category is not None else old.category_id
        new_payee = payee if payee is not None else old.payee
        if new_category_id == old.category_id and new_payee == old.payee:
            continue
        new = Transaction(pk=old.pk, owner_id=old.owner_id, account_id=old.account_id, kind=old.kind,
                          amount=old.amount, category_id=new_category_id, description=old.description,
                          occurred_on=old.occurred_on, created_at=old.created_at, transfer_id=old.transfer_id,
                          payee=new_payee)
        old_rows.append(old)
        new_rows.append(new)
    if not new_rows:
        return []
    bump_totals(old_rows, -1)
    Transaction.objects.bulk_update(new_rows, ["category", "payee"], batch_size=1000)
    bump_totals(new_rows, +1)
    announce(user=user,
             changes=changes_of(old_rows, "edited") + changes_of(new_rows, "edited"))
    return new_rows
