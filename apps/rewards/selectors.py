"""Reads of rewards, scoped by owner."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from apps.core.db import column, table

from .models import PointsEntry


def points_total(*, user) -> int:
    """The customer's points: the sum of their entries (one plain statement; 0 with none)."""
    with connection.cursor() as cursor:
        cursor.execute(POINTS_TOTAL_SQL, [user.pk])
        return cursor.fetchone()[0]


# One parameter: the user's id (also a subquery of the dashboard's figures statement).
POINTS_TOTAL_SQL = (f"SELECT COALESCE(SUM({column(PointsEntry, 'points')}), 0) FROM {table(PointsEntry)} "  # noqa: S608
                    f"WHERE {column(PointsEntry, 'owner')} = %s")


def points_entries(*, user) -> QuerySet[PointsEntry]:
    """The customer's entries, newest first (the page paginates it: a count and one page)."""
    return PointsEntry.objects.filter(owner=user).only("points", "kind", "reason", "created_at")
