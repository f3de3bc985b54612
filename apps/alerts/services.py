"""Alert writes. Budget alerts are created by apps.budgets.services.budget_check; this
module marks alerts read and sends the staff's system alerts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.users.roles import CUSTOMER

from .models import Alert

MESSAGE_MAX_LENGTH = Alert._meta.get_field("message").max_length


def alert_mark_read(*, user, alert_id: int) -> bool:
    """Mark one of the user's alerts read. One conditional UPDATE scoped to the owner:
    another user's alert is never touched, and an already-read alert keeps its time.
    Returns whether an unread alert was marked."""
    return bool(Alert.objects.filter(owner=user, pk=alert_id, read_at__isnull=True).update(read_at=timezone.now()))


def alert_mark_all_read(*, user) -> int:
    """Mark all of the user's unread alerts read; returns how many."""
    return Alert.objects.filter(owner=user).unread().update(read_at=timezone.now())


def customers():
    """Active users in the customer group: who a system alert goes to."""
    return get_user_model().objects.filter(groups__name=CUSTOMER, is_active=True).distinct()


@transaction.atomic
def system_alert_broadcast(*, message: str, users=None) -> int:
    """Send a ``system`` alert to all customers (``users=None``) or to the given users.
    Returns how many alerts were created."""
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": "Write the message to send."})
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"message": f"Keep the message to {MESSAGE_MAX_LENGTH} characters."})
    owner_ids = customers().values_list("pk", flat=True) if users is None else {u.pk for u in users}
    alerts = [Alert(owner_id=pk, kind=Alert.Kind.SYSTEM, message=message) for pk in sorted(owner_ids)]
    Alert.objects.bulk_create(alerts, batch_size=1000)
    return len(alerts)
