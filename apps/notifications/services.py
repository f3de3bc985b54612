"""Notification writes: the deliveries of new alerts, sending one delivery, the customer's
choices, and the periodic checks and clean-ups the worker runs.

``deliveries_dispatch`` runs (through the thin receiver of ``alerts_raised``) inside the
transaction that raised the alerts and only defers one ``dispatch`` job for them: it commits or
rolls back with the alerts, so a rolled-back posting sends nothing and a committed one is never
forgotten, and the posting pays one INSERT however many channels its owner has. The worker's
``dispatch`` job then runs ``deliveries_create`` (who wants what, on which channel: the Delivery
rows and one ``deliver`` job each) and the ``deliver`` jobs send.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from importlib import import_module
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.alerts.models import Alert, AlertKind
from apps.budgets.services import budget_check
from apps.core.dates import is_time_zone, zone_of
from apps.transactions.models import FormSubmission

from .channels import CHANNELS
from .jobs import defer_in_transaction
from .models import Delivery, DeliveryStatus, NotificationPreference, QuietHours
from .quiet_hours import quiet_until
from .selectors import channels_for
from .tokens import read_unsubscribe_token

logger = logging.getLogger("bankdash.notifications")

ERROR_MAX_LENGTH = Delivery._meta.get_field("last_error").max_length
BATCH_SIZE = 1000


class DeliveryFailed(Exception):
    """The channel did not take the message; the job is retried (until its last attempt)."""


# ---------------------------------------------------------------------------
# Deliveries
# ---------------------------------------------------------------------------

def _deliver_task():
    from .tasks import deliver  # the task module imports this one

    return deliver


def _dispatch_task():
    from .tasks import dispatch

    return dispatch


# No savepoint: it runs inside the transaction that raised the alerts, all or nothing with it.
@transaction.atomic(savepoint=False)
def deliveries_dispatch(*, alerts: list[Alert]) -> int | None:
    """Defer one ``dispatch`` job for these new alerts, in the current transaction (the
    posting's). Nothing else is read or written here: preferences, reachability and the
    Delivery rows are the job's work, so a posting does not wait for any channel. Returns the
    job's id (None for no alerts)."""
    if not alerts:
        return None
    [job_id] = defer_in_transaction(_dispatch_task(), [{"alert_ids": sorted(a.pk for a in alerts)}])
    return job_id


def _insert_new(deliveries: list[Delivery]) -> list[int]:
    """INSERT ... ON CONFLICT (alert, channel) DO NOTHING RETURNING id: the ids of the rows
    really written. A row an earlier run of the same job (or a concurrent one) wrote is skipped;
    a concurrent writer's row is waited for, then skipped."""
    fields = [f for f in Delivery._meta.concrete_fields if not f.primary_key and not f.generated]
    ids: list[int] = []
    for start in range(0, len(deliveries), BATCH_SIZE):
        rows = Delivery.objects._insert(deliveries[start:start + BATCH_SIZE], fields=fields,
                                        returning_fields=[Delivery._meta.pk], on_conflict=OnConflict.IGNORE)
        ids += [row[0] for row in rows if row]  # a single skipped row comes back as None
    return ids


@transaction.atomic
def deliveries_create(*, alert_ids: list[int]) -> list[int]:
    """What the ``dispatch`` job does: one Delivery per alert and channel its (active) owner has
    on and is reachable on, and one ``deliver`` job per row really inserted, in one transaction.
    Idempotent: run twice (a retried or duplicated job, a worker killed after its commit) it
    creates nothing new, and an alert deleted since is skipped. Returns the new deliveries' ids.
    A query for the alerts, one for the preferences and one per channel, then two INSERTs per
    thousand deliveries."""
    alerts = list(Alert.objects.filter(pk__in=alert_ids, owner__is_active=True).only("pk", "owner_id", "kind")
                  .order_by("pk"))
    if not alerts:
        return []
    wanted = channels_for(owner_ids={a.owner_id for a in alerts}, kinds={a.kind for a in alerts})
    ids = _insert_new([Delivery(alert_id=alert.pk, owner_id=alert.owner_id, channel=channel)
                       for alert in alerts for channel in wanted.get((alert.owner_id, alert.kind), ())])
    if ids:
        defer_in_transaction(_deliver_task(), [{"delivery_id": pk} for pk in sorted(ids)])
    return ids


def _quiet_until(owner, now: datetime) -> datetime | None:
    try:
        quiet = owner.quiet_hours  # read with the delivery (select_related)
    except QuietHours.DoesNotExist:
        return None
    return quiet_until(now=now, start=quiet.start, end=quiet.end, zone=zone_of(owner))


def delivery_deliver(*, delivery_id: int, final_attempt: bool = False, now: datetime | None = None) -> str:
    """Send one delivery, at most once: the row is locked while it is sent, and a delivery
    already sent (a retried or duplicated job) is left alone. In the owner's quiet hours it is
    held: marked held and deferred again to the end of the window, in the same transaction.
    A channel's failure is recorded (attempts, the error; ``failed`` on the final attempt) and
    committed, then raised as ``DeliveryFailed`` for the job to be retried.

    Returns what happened: "sent", "held", "already sent", "failed before" or "gone"."""
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(of=("self",))
                    .select_related("alert", "owner", "owner__quiet_hours").filter(pk=delivery_id).first())
        if delivery is None:
            return "gone"  # its alert (or owner) was deleted
        if delivery.status == DeliveryStatus.SENT:
            return "already sent"
        if delivery.status == DeliveryStatus.FAILED:
            return "failed before"
        until = _quiet_until(delivery.owner, now)
        if until is not None:
            delivery.status, delivery.held_until = DeliveryStatus.HELD, until
            delivery.save(update_fields=["status", "held_until", "updated_at"])
            defer_in_transaction(_deliver_task(), [{"delivery_id": delivery.pk}], schedule_at=until)
            return "held"
        delivery.attempts += 1
        try:
            CHANNELS[delivery.channel].send(delivery)
        except Exception as exc:  # whatever the channel raised, it was not delivered
            error = exc
            delivery.status = DeliveryStatus.FAILED if final_attempt else DeliveryStatus.PENDING
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
            delivery.save(update_fields=["status", "attempts", "last_error", "sent_targets", "updated_at"])
        else:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
            delivery.save(update_fields=["status", "attempts", "sent_at", "sent_targets", "updated_at"])
    if error is not None:
        logger.warning("delivery %s failed (attempt %s)", delivery_id, delivery.attempts,
                       extra={"delivery_id": delivery_id, "channel": delivery.channel, "final": final_attempt})
        raise DeliveryFailed(str(error)) from error
    return "sent"


# ---------------------------------------------------------------------------
# The customer's choices
# ---------------------------------------------------------------------------

def _set_preferences(*, user, choices: dict[tuple[str, str], bool]) -> None:
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(owner=user, kind=kind, channel=channel, enabled=enabled)
         for (kind, channel), enabled in choices.items()],
        update_conflicts=True, unique_fields=["owner", "kind", "channel"], update_fields=["enabled", "updated_at"],
    )


@transaction.atomic
def preferences_save(*, user, enabled: set[tuple[str, str]], quiet_start: time | None,
                     quiet_end: time | None) -> None:
    """Save which (kind, channel) pairs are on (every other pair is off) and the quiet hours
    (both times, or neither for none)."""
    if (quiet_start is None) != (quiet_end is None):
        field = "quiet_end" if quiet_end is None else "quiet_start"
        raise ValidationError({field: _("Give both the start and the end of the quiet hours, or neither.")})
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError({"quiet_end": _("The quiet hours must end at another time than they start.")})
    unknown = {pair for pair in enabled if pair[0] not in AlertKind.values or pair[1] not in CHANNELS}
    if unknown:
        raise ValidationError({"__all__": _("Choose among the alert kinds and channels shown.")})
    _set_preferences(user=user, choices={(kind, channel): (kind, channel) in enabled
                                         for kind in AlertKind.values for channel in CHANNELS})
    if quiet_start is None:
        QuietHours.objects.filter(owner=user).delete()
    else:
        QuietHours.objects.update_or_create(owner=user, defaults={"start": quiet_start, "end": quiet_end})


INVALID_LINK = gettext_lazy("This unsubscribe link is not valid. Change your choices on the notification settings "
                            "page instead.")


def unsubscribe_request(*, token: str):
    """What a signed unsubscribe link turns off: (user, kind, channel). A forged, altered or
    outdated token (a user, kind or channel that no longer exists) is refused."""
    request = read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=request.user_id, is_active=True).first() if request else None
    if user is None or request.kind not in AlertKind.values or request.channel not in CHANNELS:
        raise ValidationError({"token": INVALID_LINK})
    return user, request.kind, request.channel


@transaction.atomic
def preference_unsubscribe(*, token: str):
    """Turn off what a signed unsubscribe link names (see ``unsubscribe_request``)."""
    user, kind, channel = unsubscribe_request(token=token)
    _set_preferences(user=user, choices={(kind, channel): False})
    return user, kind, channel


# ---------------------------------------------------------------------------
# Periodic work (apps/notifications/tasks.py)
# ---------------------------------------------------------------------------

def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name) if is_time_zone(name) else ZoneInfo(settings.TIME_ZONE)


def budgets_recheck_new_days(*, at: datetime, since: datetime) -> int:
    """Re-check the budgets of every customer whose local date changed between ``since`` and
    ``at``: a budget's new period starts, and an expense dated in the future comes into its
    period, only when the customer's day changes. One transaction per customer; the alerts'
    unique constraint makes each alert once per period however often this runs. Returns the
    number of alerts raised."""
    users = get_user_model().objects.filter(budgets__is_active=True)
    zones = set(users.values_list("time_zone", flat=True).distinct())
    new_day = {name: at.astimezone(_zone(name)).date() for name in zones
               if at.astimezone(_zone(name)).date() != since.astimezone(_zone(name)).date()}
    raised = 0
    for user in users.filter(time_zone__in=list(new_day)).distinct().order_by("pk"):
        with transaction.atomic():
            raised += len(budget_check(user=user, today=new_day[user.time_zone]))
    return raised


def sessions_purge_expired() -> None:
    """What ``manage.py clearsessions`` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def form_tokens_purge(*, older_than: datetime) -> int:
    """Forget the one-time tokens of money forms older than ``older_than`` (a form left open
    that long is submitted again as a new one)."""
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=older_than).delete()
    return deleted
