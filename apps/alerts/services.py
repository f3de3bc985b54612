"""Alert writes. Every alert is created through ``alerts_raise`` (budgets, bills, the forecast
and the staff's system alerts call it), which sends ``alerts_raised`` with the rows it
inserted; this module also marks alerts read."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from apps.users.roles import CUSTOMER

from .models import Alert
from .signals import alerts_raised

MESSAGE_MAX_LENGTH = Alert._meta.get_field("message").max_length
BATCH_SIZE = 1000


def _insert_ignoring_conflicts(alerts: list[Alert]) -> list[Alert]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the ids of the rows really written (a row
    another transaction wrote first is skipped), read back in one more query."""
    fields = [f for f in Alert._meta.concrete_fields if not f.primary_key and not f.generated]
    ids = []
    for start in range(0, len(alerts), BATCH_SIZE):
        rows = Alert.objects._insert(alerts[start:start + BATCH_SIZE], fields=fields,
                                     returning_fields=[Alert._meta.pk], on_conflict=OnConflict.IGNORE)
        ids += [row[0] for row in rows if row]  # a single skipped row comes back as None
    return list(Alert.objects.filter(pk__in=ids).order_by("pk")) if ids else []


# No savepoint (a posting raises alerts on its hot path): all or nothing with the caller's transaction.
@transaction.atomic(savepoint=False)
def alerts_raise(alerts: list[Alert], *, ignore_conflicts: bool = False) -> list[Alert]:
    """The one way alerts are created. Inserts ``alerts`` (with ``ignore_conflicts``, a row that
    breaks a unique constraint, such as an alert already given for this budget period or
    dedupe key, is skipped) and sends ``alerts_raised`` with the rows inserted, inside the
    caller's transaction. Returns the rows inserted."""
    alerts = list(alerts)
    if not alerts:
        return []
    if ignore_conflicts:
        inserted = _insert_ignoring_conflicts(alerts)
    else:
        inserted = Alert.objects.bulk_create(alerts, batch_size=BATCH_SIZE)
    if inserted:
        alerts_raised.send(sender=Alert, alerts=inserted)
    return inserted


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
    return len(alerts_raise(alerts))
