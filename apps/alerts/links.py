"""Where an alert is acted on: the one page each kind links to, from the alert list, the
email and the push notification (a sign-in the customer does not recognise is signed out on
the settings page's "Where you are signed in", not on the alert list).

URL names, not imports: the pages belong to other apps (settings, bills, notifications), and
a name is reversed only when a link is written.
"""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AlertKind


class AlertLink(NamedTuple):
    label: str  # lazy: in the reader's language when written
    url_name: str
    fragment: str = ""

    @property
    def path(self) -> str:
        return reverse(self.url_name) + (f"#{self.fragment}" if self.fragment else "")


_SESSIONS = AlertLink(_("Where you are signed in"), "settings", "sessions-heading")
_BUDGETS = AlertLink(_("Budgets"), "budgets:list")
_BILLS = AlertLink(_("Bills"), "bills:list")

ALERT_LINKS: dict[str, AlertLink] = {
    AlertKind.BUDGET_WARNING: _BUDGETS,
    AlertKind.BUDGET_EXCEEDED: _BUDGETS,
    AlertKind.BILL_REMINDER: _BILLS,
    AlertKind.BILL_OVERDUE: _BILLS,
    AlertKind.AUTOPAY_FAILED: _BILLS,
    AlertKind.FORECAST_LOW: AlertLink(_("Bills calendar"), "bills:calendar"),
    AlertKind.NEW_SIGN_IN: _SESSIONS,
    AlertKind.SECURITY_CHANGE: _SESSIONS,
    AlertKind.WEBHOOK_DISABLED: AlertLink(_("Webhooks"), "notifications:webhooks"),
}


def alert_link(kind: str) -> AlertLink | None:
    """The page an alert of ``kind`` is acted on, or None (the alert says all there is)."""
    return ALERT_LINKS.get(kind)
