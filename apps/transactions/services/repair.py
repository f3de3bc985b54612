"""Operators: repair the stored balances and the monthly and daily totals from the ledger rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from apps.accounts.models import Account

from ..models import DailyTotal, MonthlyTotal
from ..selectors import balance_mismatches, daily_total_mismatches, monthly_total_mismatches


@dataclass
class LedgerRepair:
    """What ``ledger_repair`` changed, and what it could not change."""

    balances: list = field(default_factory=list)  # selectors.BalanceMismatch, now repaired
    monthly_totals: list = field(default_factory=list)  # selectors.MonthlyTotalMismatch, now repaired
    daily_totals: list = field(default_factory=list)  # selectors.DailyTotalMismatch, now repaired
    failed: list = field(default_factory=list)  # (BalanceMismatch, reason): the ledger breaks a constraint

    @property
    def changed(self) -> bool:
        return bool(self.balances or self.monthly_totals or self.daily_totals)


@transaction.atomic
def ledger_repair() -> LedgerRepair:
    """Set every stored balance and monthly total that differs from the ledger rows to
    the ledger's figure. The suspect accounts are locked (as every posting locks them)
    and the differences read again under the lock, so a posting that commits meanwhile
    is neither lost nor counted twice."""
    suspects = ({m.account_id for m in balance_mismatches()} | {m.account_id for m in monthly_total_mismatches()}
                | {m.account_id for m in daily_total_mismatches()})
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
    report.monthly_totals = _repair_buckets(MonthlyTotal, "month", monthly_total_mismatches(account_ids=suspects))
    report.daily_totals = _repair_buckets(DailyTotal, "day", daily_total_mismatches(account_ids=suspects))
    return report


def _repair_buckets(model, period: str, mismatches: list) -> list:
    """Set each bucket of ``model`` (``period``: "month" or "day") to its ledger figure, or
    delete it when the ledger has no such rows; returns the mismatches, now repaired."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        for bucket in mismatches:
            when = getattr(bucket, period)
            if bucket.ledger_count:
                cursor.execute(
                    f"INSERT INTO {table} (owner_id, account_id, category_id, {period}, kind, total, count) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    f"ON CONFLICT (account_id, category_id, {period}, kind) DO UPDATE "
                    "SET owner_id = EXCLUDED.owner_id, total = EXCLUDED.total, count = EXCLUDED.count",
                    [bucket.owner_id, bucket.account_id, bucket.category_id, when, bucket.kind,
                     bucket.ledger_total, bucket.ledger_count],
                )
            else:
                model.objects.filter(account_id=bucket.account_id, category_id=bucket.category_id,
                                     kind=bucket.kind, **{period: when}).delete()
    return mismatches
