"""Reads of rewards, scoped by owner."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import PointsEntry


def points_total(*, user) -> int:
    """The customer's points: the sum of their entries (one query; 0 with none)."""
    return PointsEntry.objects.filter(owner=user).aggregate(total=Coalesce(Sum("points"), 0))["total"]


def points_entries(*, user) -> QuerySet[PointsEntry]:
    """The customer's entries, newest first (the page paginates it: a count and one page)."""
    return PointsEntry.objects.filter(owner=user).only("points", "kind", "reason", "created_at")
