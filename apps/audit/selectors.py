"""What the audit trail shows a customer of themselves: their security activity (sign-ins,
failed attempts on their address, changes to how they sign in), newest first, a page at a
time. Staff read the whole trail in the admin; this is the customer's own part of it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.users.devices import network_of

from .models import AuditEvent

Action = AuditEvent.Action
ACTIVITY_PER_PAGE = 25
EXPORT_CHUNK = 2000
# Recorded with the customer as the object (their own doing, or staff's to them).
OWN_ACTIONS = (Action.LOGIN, Action.PASSWORD_CHANGED, Action.PASSWORD_RESET, Action.TWO_FACTOR,
               Action.EMAIL_CHANGED, Action.SESSIONS_SIGNED_OUT, Action.DATA_EXPORTED)
# Recorded with nobody signed in, under the address typed: tried on the customer's address.
TRIED_ACTIONS = (Action.LOGIN_FAILED, Action.LOCKED_OUT, Action.PASSWORD_RESET_REQUESTED)


@dataclass(frozen=True)
class ActivityLine:
    """One event as the customer reads it, in the active language."""

    at: datetime
    what: str
    network: str  # "203.0.113.0/24" (the network, as everywhere a customer sees one); "" if unknown
    attempt: bool  # tried on their address by someone not signed in: worth a second look


def security_events(*, user):
    """The events of ``user``'s security activity, newest first (a queryset). The attempts on
    their address count from the day they registered; the trail names them by the address's
    normal form (UserManager.normalize_email, as the login looks it up), so every spelling that
    reaches the account is found by an exact match. Both halves are read through an index
    (migration 0009 adds the one of the attempts)."""
    own = Q(object_type="users.user", object_id=str(user.pk), action__in=OWN_ACTIONS)
    tried = Q(actor__isnull=True, action__in=TRIED_ACTIONS, actor_email=user.email,
              created_at__gte=user.date_joined)
    return AuditEvent.objects.filter(own | tried).order_by("-created_at", "-id")


def security_activity(*, user, page: str | int | None) -> Page:
    """One page of ``user``'s security activity (``page`` as the query string gave it: a page
    that cannot be read is the first, one past the end the last), its ``object_list`` made of
    ``ActivityLine``. Two queries: the count and the page."""
    result = Paginator(security_events(user=user), ACTIVITY_PER_PAGE).get_page(page)
    result.object_list = [_line(event) for event in result.object_list]
    return result


# The security activity's file in the customer's data export (apps.users.signals.data_export_files):
# what the page shows of each event, and the event's code.
ACTIVITY_EXPORT_COLUMNS = ("at", "event", "what", "network", "tried_on_your_address")


def security_activity_rows(*, user) -> Iterator[tuple]:
    """Every event of ``user``'s security activity as ``ACTIVITY_EXPORT_COLUMNS``, newest first
    as the page lists them: one query, read in chunks. The network, as the page shows it; the
    address is not written (an attempt's is someone else's)."""
    for event in security_events(user=user).iterator(chunk_size=EXPORT_CHUNK):
        line = _line(event)
        yield line.at, event.action, line.what, line.network, line.attempt


def _line(event: AuditEvent) -> ActivityLine:
    return ActivityLine(at=event.created_at, what=describe(event),
                        network=network_of(event.ip_address),
                        attempt=event.action in TRIED_ACTIONS)


# What each event says that needs nothing of its details.
LABELS = {
    Action.LOGIN: gettext_lazy("Signed in"),
    Action.LOCKED_OUT: gettext_lazy("Sign-in refused after too many failed attempts"),
    Action.PASSWORD_CHANGED: gettext_lazy("Password changed"),
    Action.PASSWORD_RESET: gettext_lazy("Password reset through the emailed link"),
    Action.PASSWORD_RESET_REQUESTED: gettext_lazy("Password reset link requested"),
    Action.DATA_EXPORTED: gettext_lazy("All your data exported"),
}
# A two-factor event by its change (apps.users.services); "verified" by the device that took the code.
TWO_FACTOR_LABELS = {
    "enabled": gettext_lazy("Two-factor authentication turned on"),
    "disabled": gettext_lazy("Two-factor authentication turned off"),
    "recovery_codes_generated": gettext_lazy("New recovery codes made"),
}


def describe(event: AuditEvent) -> str:
    """What happened, in a few words of the active language."""
    details = event.details or {}
    if event.action in LABELS:
        return str(LABELS[event.action])
    if event.action == Action.LOGIN_FAILED:
        if details.get("factor", "password") == "password":
            return _("Failed sign-in: wrong password")
        return _("Failed sign-in: wrong two-factor code")
    if event.action == Action.TWO_FACTOR:
        if details.get("change") in TWO_FACTOR_LABELS:
            return str(TWO_FACTOR_LABELS[details["change"]])
        if details.get("device") == "StaticDevice":
            return _("Signed in with a recovery code")
        return _("Two-factor code accepted")
    if event.action == Action.EMAIL_CHANGED:
        return _("Email address changed to %(email)s") % {"email": details.get("new_email", "")}
    if event.action == Action.SESSIONS_SIGNED_OUT:
        count = len(details.get("sessions", []))
        if details.get("reason") == "admin":
            return ngettext("%(count)d session signed out by support", "%(count)d sessions signed out by support",
                            count) % {"count": count}
        return ngettext("%(count)d session signed out", "%(count)d sessions signed out", count) % {"count": count}
    return event.get_action_display()
