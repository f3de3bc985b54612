"""Spending per merchant and month, read through the ``MerchantMonth`` cache.

A merchant is the payee as the transactions list's ``merchant=`` filter matches it (the same
letters whatever their case); expenses without a payee are grouped per category. A month's
groups are computed once from its expense rows (one grouped query over that month, through
the owner's date index) and kept until a ledger change to one of its expenses forgets them
(``merchant_months_forget``, called from the ``ledger_changed`` receiver in the same database
transaction as the change). Later reads cost one query over a few cached rows, whatever the
size of the month or of the history.

Entries written around the ledger services (bench/bulkload.py, a raw SQL repair) do not send
``ledger_changed``: after such a write, forget the months it touched (or delete the rows).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Sum, When
from django.db.models.functions import TruncMonth, Upper

from apps.core.dates import month_end, month_start
from apps.transactions.models import Transaction

from .models import MerchantMonth


def merchant_months_forget(*, user_id: int, months) -> None:
    """Mark the months' merchant groups as out of date (one upsert; rows locked in month order,
    so two postings never wait on each other in a cycle)."""
    months = sorted({month_start(m) for m in months})
    if not months:
        return
    table = MerchantMonth._meta.db_table
    values = ", ".join(["(%s, %s, 1, NULL)"] * len(months))
    params = [p for m in months for p in (user_id, m)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (owner_id, month, generation, totals) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (owner_id, month) DO UPDATE SET generation = {table}.generation + 1, totals = NULL",
            params,
        )


def _computed(*, user, months: list[date]) -> dict[date, list]:
    """The months' expenses grouped per currency and merchant, from the ledger rows (one query
    bounded to the months' days)."""
    rows = (
        # account__owner: the customer's accounts by their owner index (not every customer's hashed).
        Transaction.objects.filter(owner=user, account__owner=user, kind=Transaction.Kind.EXPENSE,
                                   occurred_on__gte=min(months),
                                   occurred_on__lte=month_end(max(months)))
        .values(currency=F("account__currency"), key=Upper("payee"), month=TruncMonth("occurred_on"),
                no_payee_category=Case(When(payee="", then="category_id"), output_field=IntegerField()))
        .annotate(amount=Sum("amount"), name=Max("payee"))
        .order_by()
    )
    found: dict[date, list] = {m: [] for m in months}
    for row in rows:
        month = month_start(row["month"])
        if month in found:
            found[month].append([row["currency"], row["key"], row["name"], row["no_payee_category"],
                                 str(row["amount"])])
    return found


def _store(*, user_id: int, fills: list[tuple[date, int, list]]) -> None:
    """Keep computed groups (one upsert): a month without a row gets one (generation 0); a
    row is filled only if it still has the generation that was read and no groups, so a
    change committed since the read (which bumps the generation, or inserts the row with
    generation 1) always wins over this fill."""
    table = MerchantMonth._meta.db_table
    values = ", ".join(["(%s, %s::date, %s::integer, %s::jsonb)"] * len(fills))
    params = [p for month, generation, totals in fills for p in (user_id, month, generation, json.dumps(totals))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS t (owner_id, month, generation, totals) VALUES {values} "  # noqa: S608
            "ON CONFLICT (owner_id, month) DO UPDATE SET totals = EXCLUDED.totals "
            "WHERE t.generation = EXCLUDED.generation AND t.totals IS NULL",
            params,
        )


def merchant_spending(*, user, months: list[date]) -> list[dict]:
    """Rows of {currency, month, key, name, no_payee_category, amount} for ``months``: one read
    of the cache, and when it lacks a month (or holds it out of date) one grouped read of those
    months' expense rows and one write."""
    months = sorted({month_start(m) for m in months})
    cached = {row["month"]: row for row in
              MerchantMonth.objects.filter(owner=user, month__in=months).values("month", "generation", "totals")}
    missing = [m for m in months if cached.get(m, {}).get("totals") is None]
    totals = {m: cached[m]["totals"] for m in months if m not in missing}
    if missing:
        computed = _computed(user=user, months=missing)
        totals.update(computed)
        _store(user_id=user.pk, fills=[(m, cached[m]["generation"] if m in cached else 0, computed[m])
                                       for m in missing])
    return [
        {"currency": currency, "month": month, "key": key, "name": name, "no_payee_category": category_id,
         "amount": Decimal(amount)}
        for month in months for currency, key, name, category_id, amount in totals[month]
    ]
