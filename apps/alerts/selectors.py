"""Alert reads, scoped by owner."""

from django.db.models import BooleanField, Case, Value, When

from .models import Alert


def alerts_for_user(*, user):
    """The user's alerts, unread first, then newest first."""
    unread_first = Case(When(read_at__isnull=True, then=Value(True)), default=Value(False),
                        output_field=BooleanField())
    return Alert.objects.filter(owner=user).order_by(unread_first.desc(), "-created_at", "-id")
