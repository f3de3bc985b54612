"""Reads of accounts, scoped by owner and aggregated in PostgreSQL."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Sum

from .models import Account


def account_list(*, user, archived: bool = False) -> QuerySet[Account]:
    """The user's accounts, open ones first; archived ones only when asked (and then only them)."""
    return Account.objects.filter(owner=user, archived_on__isnull=not archived).order_by(
        F("closed_on").asc(nulls_first=True), "name", "id")


def archived_count(*, user) -> int:
    return Account.objects.filter(owner=user, archived_on__isnull=False).count()


def account_totals_by_currency(*, user) -> list[dict]:
    """Total balance per currency (balances in different currencies are never added
    together): one aggregate query, e.g. [{"currency": "USD", "total": Decimal, "accounts": 2}]."""
    return list(
        Account.objects.filter(owner=user, closed_on__isnull=True)
        .values("currency")
        .annotate(total=Sum("balance"), accounts=Count("id"))
        .order_by("currency")
    )
