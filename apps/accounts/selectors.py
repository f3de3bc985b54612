"""Reads of accounts, scoped by owner and aggregated in PostgreSQL."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Sum

from apps.core.db import column, columns, table

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


def _by_name_sql(*, open_only: bool) -> str:
    return (
        f"SELECT {columns(Account)}, {column(Account, 'balance')} AS \"balance_on\" "  # noqa: S608
        f"FROM {table(Account)} WHERE {column(Account, 'owner')} = %s"
        + (f" AND {column(Account, 'closed_on')} IS NULL" if open_only else "")
        + f" ORDER BY {column(Account, 'name')}, {column(Account, 'id')}"
    )


_BY_NAME_SQL = {open_only: _by_name_sql(open_only=open_only) for open_only in (False, True)}


def accounts_by_name(*, user, open_only: bool = False) -> list[Account]:
    """The user's accounts by name (closed ones too unless ``open_only``), each with
    ``balance_on``, its balance today. A plain statement (Django's raw query): the dashboard
    and the transactions list read it on every first visit, and the ORM building it cost more
    than running it (issue 17: 1.19 ms against 0.49 measured)."""
    return list(Account.objects.raw(_BY_NAME_SQL[open_only], [user.pk]))
