"""Writing the audit trail. Every record is one INSERT; nothing here updates or deletes."""

from __future__ import annotations

from django.db import models

from apps.users.security import client_ip

from . import context
from .models import AuditEvent

Action = AuditEvent.Action


def audit_record(*, action: str, request=None, actor=None, actor_email: str = "", obj: models.Model | None = None,
                 object_type: str = "", object_id="", details: dict | None = None) -> AuditEvent:
    """Record one event. ``request`` defaults to the current one (AuditContextMiddleware);
    it gives the IP and, when ``actor`` is not given, the logged-in user."""
    request = request if request is not None else context.current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=(actor_email or getattr(actor, "email", "") or "")[:254],
        object_type=object_type[:100],
        object_id=str(object_id or "")[:64],
        details=details or {},
        ip_address=client_ip(request) if request is not None else None,
    )


def money_movement_record(*, owner, changes, actor=None, reason: str = "") -> AuditEvent:
    """A ledger change (apps.transactions.signals.ledger_changed), inside its transaction."""
    ids = sorted({change.transaction_id for change in changes})
    details = {
        "owner_id": owner.pk,
        "owner_email": owner.email,
        "changes": [
            {"transaction_id": c.transaction_id, "action": c.action, "kind": c.kind, "amount": c.amount,
             "category_id": c.category_id, "occurred_on": c.occurred_on}
            for c in changes
        ],
    }
    if reason:
        details["reason"] = reason
    request = context.current_request()
    if actor is None and (request is None or not request.user.is_authenticated):
        actor = owner  # a command or job acting for the owner
    return audit_record(
        action=Action.CORRECTION if reason else Action.MONEY_MOVEMENT,
        request=request, actor=actor, object_type="transactions.transaction",
        object_id=",".join(str(i) for i in ids), details=details,
    )


def points_adjustment_record(*, entry, actor) -> AuditEvent:
    """Staff granted or removed a customer's points (apps.rewards.signals.points_adjusted)."""
    return audit_record(
        action=Action.POINTS_ADJUSTMENT, actor=actor, obj=entry,
        details={"owner_id": entry.owner_id, "owner_email": entry.owner.email, "points": entry.points,
                 "kind": entry.kind, "reason": entry.reason},
    )


def import_record(*, batch, user, undone: bool = False, removed: int = 0) -> AuditEvent:
    """A statement import posted or undone (apps.imports.signals), inside its transaction."""
    details = {"owner_id": user.pk, "owner_email": user.email, "file_name": batch.file_name, "sha256": batch.sha256,
               "format": batch.format, "rows": batch.row_count, "posted": batch.posted_count,
               "duplicates": batch.duplicate_count, "errors": batch.error_count, "skipped": batch.skipped_count}
    if undone:
        details["removed_entries"] = removed
    request = context.current_request()
    actor = None if request is not None and request.user.is_authenticated else user
    return audit_record(action=Action.IMPORT_UNDONE if undone else Action.IMPORT_POSTED, request=request,
                        actor=actor, obj=batch, details=details)
