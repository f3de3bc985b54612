"""The ledger's invariants, computed straight from the tables (independently of the
services that maintain them) and, when it exists, through `recalculate_balances --check`.

Each check returns a list of human-readable problems; an empty list means the invariant holds.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.transactions.models import MonthlyTotal, Transaction

ZERO = Decimal("0.00")


def _scoped(queryset, owner_ids, field="owner_id"):
    return queryset.all() if owner_ids is None else queryset.filter(**{f"{field}__in": list(owner_ids)})


def balance_problems(owner_ids=None) -> list[str]:
    """Every balance equals its ledger: sum(credits) - sum(debits)."""
    signed = Case(
        When(transactions__kind__in=Transaction.CREDIT_KINDS, then=F("transactions__amount")),
        When(transactions__kind__in=Transaction.DEBIT_KINDS, then=-F("transactions__amount")),
        default=Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    accounts = _scoped(Account.objects, owner_ids).annotate(ledger=Coalesce(Sum(signed), Value(ZERO)))
    return [
        f"account {a.pk} ({a.name}): balance {a.balance} != ledger {a.ledger}"
        for a in accounts.exclude(balance=F("ledger")).order_by("pk")
    ]


def overdraft_problems(owner_ids=None) -> list[str]:
    """No balance below zero (below minus the credit line for credit cards)."""
    accounts = _scoped(Account.objects, owner_ids)
    bad = accounts.filter(
        (Q(balance__lt=0) & ~Q(kind=Account.Kind.CREDIT_CARD)) | Q(balance__lt=-F("credit_limit"))
    )
    return [f"account {a.pk} ({a.kind}): balance {a.balance}, credit limit {a.credit_limit}" for a in bad]


def transfer_problems(owner_ids=None) -> list[str]:
    """A transfer is exactly one out and one in leg of the same amount and owner."""
    groups = (
        _scoped(Transaction.objects.filter(transfer_id__isnull=False), owner_ids)
        .values("transfer_id")
        .annotate(
            legs=Count("id"),
            outs=Count("id", filter=Q(kind=Transaction.Kind.TRANSFER_OUT)),
            ins=Count("id", filter=Q(kind=Transaction.Kind.TRANSFER_IN)),
            owners=Count("owner_id", distinct=True),
            amounts=Count("amount", distinct=True),
        )
        .exclude(legs=2, outs=1, ins=1, owners=1, amounts=1)
    )
    return [f"transfer {g['transfer_id']}: {g}" for g in groups]


def duplicate_alert_problems(owner_ids=None) -> list[str]:
    """A user is told once per budget, period and kind."""
    dupes = (
        _scoped(Alert.objects.filter(budget__isnull=False), owner_ids)
        .values("budget_id", "period_start", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return [f"duplicate alert: {d}" for d in dupes]


def monthly_total_problems(owner_ids=None) -> list[str]:
    """Every monthly total equals the sum and count of its ledger rows (and no bucket is missing)."""
    from_rows = {
        (r["account_id"], r["category_id"], r["month"], r["kind"]): (r["total"], r["count"])
        for r in _scoped(Transaction.objects.filter(kind__in=["income", "expense"]), owner_ids)
        .annotate(month=TruncMonth("occurred_on"))
        .values("account_id", "category_id", "month", "kind")
        .annotate(total=Sum("amount"), count=Count("id"))
    }
    stored = {
        (m.account_id, m.category_id, m.month, m.kind): (m.total, m.count)
        for m in _scoped(MonthlyTotal.objects, owner_ids)
        if m.count or m.total  # an emptied bucket may stay behind as a zero row
    }
    problems = []
    for key in sorted(set(from_rows) | set(stored), key=str):
        expected, actual = from_rows.get(key, (ZERO, 0)), stored.get(key, (ZERO, 0))
        if expected != actual:
            problems.append(f"monthly total {key}: stored {actual}, rows {expected}")
    owners = _scoped(MonthlyTotal.objects, owner_ids).exclude(owner_id=F("account__owner_id"))
    problems += [f"monthly total {m.pk} owner {m.owner_id} is not its account's owner" for m in owners]
    return problems


def ledger_problems(owner_ids=None) -> list[str]:
    return (
        balance_problems(owner_ids)
        + overdraft_problems(owner_ids)
        + transfer_problems(owner_ids)
        + duplicate_alert_problems(owner_ids)
        + monthly_total_problems(owner_ids)
    )


def recalculate_balances_check() -> tuple[bool, str]:
    """Run `recalculate_balances --check`. Returns (green, output)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("recalculate_balances", "--check", stdout=out, stderr=err)
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            return False, f"exit {exit_.code}\n{out.getvalue()}{err.getvalue()}"
    except Exception as error:  # CommandError or anything else: the check is not green
        return False, f"{type(error).__name__}: {error}\n{out.getvalue()}{err.getvalue()}"
    return True, out.getvalue() + err.getvalue()


def snapshot_balances(owner_ids) -> dict[int, Decimal]:
    return dict(Account.objects.filter(owner_id__in=list(owner_ids)).values_list("pk", "balance"))


def row_counts(owner_ids) -> dict[str, int]:
    counts = defaultdict(int)
    counts["transactions"] = Transaction.objects.filter(owner_id__in=list(owner_ids)).count()
    counts["monthly_totals"] = MonthlyTotal.objects.filter(owner_id__in=list(owner_ids)).exclude(count=0).count()
    return dict(counts)
