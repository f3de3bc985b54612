"""Alert reads, scoped by owner."""

from django.db import connection
from django.db.models import BooleanField, Case, Value, When

from apps.core.db import column, table

from .models import Alert


def alerts_for_user(*, user):
    """The user's alerts, unread first, then newest first."""
    unread_first = Case(When(read_at__isnull=True, then=Value(True)), default=Value(False),
                        output_field=BooleanField())
    return Alert.objects.filter(owner=user).order_by(unread_first.desc(), "-created_at", "-id")


def unread_count(*, user) -> int:
    """How many of the user's alerts are unread: the navigation's badge on every page, so one
    plain statement over the (owner, read_at) index rather than a query built by the ORM on
    every request (issue 17: building it cost more than running it)."""
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_COUNT_SQL, [user.pk])
        return cursor.fetchone()[0]


# One parameter: the user's id (also a subquery of the dashboard overview's one statement).
UNREAD_COUNT_SQL = (f"SELECT COUNT(*) FROM {table(Alert)} "  # noqa: S608 (names from the model)
                    f"WHERE {column(Alert, 'owner')} = %s AND {column(Alert, 'read_at')} IS NULL")
