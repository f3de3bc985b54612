"""Reads for the import pages, scoped to the owner."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum

from apps.accounts.models import Account
from apps.transactions.models import Attachment, Category
from apps.transactions.selectors import BalanceCheck, balance_check

from .models import BatchStatus, ImportBatch, ImportRow, MappingProfile, RowOutcome

PAGE_SIZE = 50


def batch_list(*, user):
    return ImportBatch.objects.filter(owner=user).exclude(status=ImportBatch.Status.CANCELLED) \
        .select_related("account").order_by("-created_at", "-id")


def profile_list(*, user):
    return MappingProfile.objects.filter(owner=user).order_by("name")


def preview_page(*, batch: ImportBatch, page):
    rows = ImportRow.objects.filter(batch=batch).select_related("account", "category").order_by("position")
    return Paginator(rows, PAGE_SIZE).get_page(page)


def outcome_counts(*, batch: ImportBatch) -> dict:
    counts = dict.fromkeys(ImportRow.Outcome.values, 0)
    for row in ImportRow.objects.filter(batch=batch).values("outcome").annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    counts["selected"] = ImportRow.objects.filter(batch=batch, selected=True).count()
    return counts


def category_choices(*, user):
    return list(Category.objects.usable_by(user).order_by("name").values_list("pk", "name"))


def unknown_account_refs(*, batch: ImportBatch, limit: int = 20) -> list[str]:
    """The references of a multi-account file that name none of the customer's accounts."""
    return list(ImportRow.objects.filter(batch=batch, outcome=ImportRow.Outcome.ERROR, account__isnull=True)
                .exclude(account_ref="").filter(reason__startswith="no account named")
                .values_list("account_ref", flat=True).distinct().order_by("account_ref")[:limit])


def open_accounts(*, user):
    return list(Account.objects.filter(owner=user, closed_on__isnull=True).order_by("name").values_list("pk", "name"))


def statement_check(*, batch: ImportBatch) -> BalanceCheck | None:
    """The bank's balance at the end of the statement's last day beside the account's here on
    that day: with the ticked rows before the import, as it is after it. None when the file
    says no balance, the batch is undone or cancelled, or it has no one account. Three queries:
    the account, its balance on that day, the ticked rows' sum."""
    if batch.statement_balance is None or batch.account_id is None or batch.status not in (
            BatchStatus.PREVIEWED, BatchStatus.POSTED):
        return None
    pending = Decimal(0)
    if batch.status == BatchStatus.PREVIEWED:
        # The statement's account's rows only: a row of another currency never adds to its figure.
        pending = ImportRow.objects.filter(batch=batch, account_id=batch.account_id, selected=True, selectable=True,
                                           occurred_on__lte=batch.statement_balance_on).aggregate(
            total=Sum("amount", default=Decimal(0)))["total"]
    return balance_check(account=batch.account, day=batch.statement_balance_on, bank_balance=batch.statement_balance,
                         pending=pending)


def balancing_rows(*, batch: ImportBatch, check: BalanceCheck | None, limit: int = 3) -> list[ImportRow]:
    """On a preview that does not agree with the bank, the rows whose tick alone would make it
    agree: an unticked row of the gap's amount the other way, or a ticked row of the gap's
    amount (a row counted twice). One query, none when they agree."""
    if check is None or not check.difference or batch.status != BatchStatus.PREVIEWED:
        return []
    return list(ImportRow.objects.filter(batch=batch, account_id=batch.account_id, selectable=True,
                                         occurred_on__lte=check.on).filter(
        Q(selected=False, amount=-check.difference) | Q(selected=True, amount=check.difference),
    ).exclude(outcome=RowOutcome.ERROR).order_by("position")[:limit])


def receipts_count(*, batch: ImportBatch) -> int:
    """How many receipts the customer kept with the entries this import posted (undoing it
    deletes them with the entries): one query."""
    return Attachment.objects.filter(owner_id=batch.owner_id, transaction_id__in=batch.entries.filter(
        transaction__isnull=False).values("transaction_id")).count()
