"""Where an alert is acted on: the one page each kind links to, from the alert list, the
email and the push notification (a sign-in the customer does not recognise is signed out on
the settings page's "Where you are signed in", not on the alert list; failed attempts are
read on the security activity page).

URL names, not view imports: the pages belong to other apps (bills, notifications), and a
name is reversed only when a link is written; the sessions section's address is the users
app's own (apps.users.links).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.users.links import sessions_path

from .models import AlertKind


class AlertLink(NamedTuple):
    label: str  # lazy: in the reader's language when written
    resolve: Callable[[], str]  # the page's path, reversed only when a link is written

    @property
    def path(self) -> str:
        return self.resolve()


def _page(url_name: str) -> Callable[[], str]:
    return partial(reverse, url_name)


_SESSIONS = AlertLink(_("Where you are signed in"), sessions_path)
_BUDGETS = AlertLink(_("Budgets"), _page("budgets:list"))
_BILLS = AlertLink(_("Bills"), _page("bills:list"))

ALERT_LINKS: dict[str, AlertLink] = {
    AlertKind.BUDGET_WARNING: _BUDGETS,
    AlertKind.BUDGET_EXCEEDED: _BUDGETS,
    AlertKind.BILL_REMINDER: _BILLS,
    AlertKind.BILL_OVERDUE: _BILLS,
    AlertKind.AUTOPAY_FAILED: _BILLS,
    AlertKind.FORECAST_LOW: AlertLink(_("Bills calendar"), _page("bills:calendar")),
    AlertKind.NEW_SIGN_IN: _SESSIONS,
    AlertKind.SECURITY_CHANGE: _SESSIONS,
    AlertKind.ACCOUNT_LOCKED: AlertLink(_("Security activity"), _page("audit:activity")),
    AlertKind.WEBHOOK_DISABLED: AlertLink(_("Webhooks"), _page("notifications:webhooks")),
}


def alert_link(kind: str) -> AlertLink | None:
    """The page an alert of ``kind`` is acted on, or None (the alert says all there is)."""
    return ALERT_LINKS.get(kind)
