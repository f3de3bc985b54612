"""Notification reads, scoped by owner."""

from __future__ import annotations

from collections.abc import Iterable

from apps.alerts.models import AlertKind

from .channels import CHANNELS
from .models import Delivery, NotificationPreference, QuietHours


def channels_for(*, owner_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], list[str]]:
    """For each (owner, kind) asked, the channels on (each channel's default unless the owner
    chose) on which the owner can be reached at all. One query, and one per channel."""
    owner_ids, kinds = set(owner_ids), set(kinds)
    if not owner_ids or not kinds:
        return {}
    chosen = {(owner_id, kind, channel): enabled for owner_id, kind, channel, enabled in
              NotificationPreference.objects.filter(owner_id__in=owner_ids, kind__in=kinds)
              .values_list("owner_id", "kind", "channel", "enabled")}
    reachable = {name: channel.reachable(owner_ids) for name, channel in CHANNELS.items()}
    return {(owner_id, kind): [name for name, channel in CHANNELS.items()
                               if owner_id in reachable[name]
                               and chosen.get((owner_id, kind, name), channel.default_enabled)]
            for owner_id in owner_ids for kind in kinds}


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


def preference_grid(*, user) -> dict:
    """The settings page: every alert kind with each channel on or off, and the quiet hours.
    Two queries."""
    chosen = {(kind, channel): enabled for kind, channel, enabled in
              NotificationPreference.objects.filter(owner=user).values_list("kind", "channel", "enabled")}
    rows = [{"kind": kind, "label": label,
             "channels": [{"name": name, "label": channel.label, "field": field_name(kind, name),
                           "enabled": chosen.get((kind, name), channel.default_enabled)}
                          for name, channel in CHANNELS.items()]}
            for kind, label in AlertKind.choices]
    quiet = QuietHours.objects.filter(owner=user).first()
    return {"rows": rows, "channels": [{"name": n, "label": c.label} for n, c in CHANNELS.items()],
            "quiet_start": quiet.start if quiet else None, "quiet_end": quiet.end if quiet else None}


def deliveries_for_user(*, user):
    """The user's deliveries, newest first, with their alert."""
    return Delivery.objects.filter(owner=user).select_related("alert").order_by("-created_at", "-id")
