"""What every channel has.

A channel is an object with:

- ``name`` (a ``models.Channel`` value), ``label``, ``default_enabled`` (on for a kind unless
  the customer chose otherwise);
- ``reachable(owner_ids) -> set[int]``: which of these owners can be reached on it at all (an
  email address, a registered browser, an active webhook), in one query;
- ``send(delivery)``: sends one delivery, raising if it was not accepted (the job is retried).
  A channel with several targets per owner (browsers, webhooks) skips the target ids already in
  ``delivery.sent_targets`` and appends each one it sends to, so a retry never sends the same
  alert to the same target twice; ``services.delivery_deliver`` saves that list whatever happens.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def headline(alert) -> str:
    """An email's subject and a push notification's title, in the active language: the kind,
    and for a budget's alerts which budget ("BankDash: Budget exceeded: “food”"), so that an
    inbox with several of them tells them apart."""
    kind = alert.get_kind_display()
    if alert.budget_id is not None:
        return _("BankDash: %(kind)s: “%(category)s”") % {"kind": kind, "category": alert.budget.category.label}
    return _("BankDash: %(kind)s") % {"kind": kind}
