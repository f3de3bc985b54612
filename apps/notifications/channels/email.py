"""Email: one message per delivery through Django's email API (SMTP settings from the
environment; the console in development), with a signed one-click unsubscribe link."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from apps.alerts.links import alert_link
from apps.core import formats

from ..models import Channel
from ..tokens import unsubscribe_token
from .base import absolute, headline


class EmailChannel:
    name = Channel.EMAIL
    label = Channel.EMAIL.label
    # On unless the customer turns it off (per kind, on the settings page or from an email).
    default_enabled = True

    def message(self, delivery) -> EmailMessage:
        """The email, written in the owner's language (whoever runs this: the worker)."""
        with formats.for_user(delivery.owner):
            return self._message(delivery)

    def _message(self, delivery) -> EmailMessage:
        alert, owner = delivery.alert, delivery.owner
        unsubscribe_url = absolute(reverse("notifications:unsubscribe", args=[
            unsubscribe_token(user_id=owner.pk, kind=alert.kind, channel=self.name)]))
        context = {"alert": alert, "kind_label": alert.get_kind_display(), "unsubscribe_url": unsubscribe_url,
                   "alerts_url": absolute(reverse("alerts:list")),
                   "settings_url": absolute(reverse("notifications:settings"))}
        link = alert_link(alert.kind)
        if link is not None:
            context.update(link_label=link.label, link_url=absolute(link.path))
        domain = urlsplit(settings.SITE_URL).hostname or "bankdash.local"
        return EmailMessage(
            subject=headline(alert),
            body=render_to_string("notifications/email/alert.txt", context),
            to=[owner.email],
            headers={
                # The idempotency key: a copy sent again after a crash is the same message to the reader's mail client.
                "Message-ID": f"<{delivery.idempotency_key}@{domain}>",
                "X-BankDash-Delivery": delivery.idempotency_key,
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
            },
        )

    def reachable(self, owner_ids: set[int]) -> set[int]:
        """Every user has an email address (it is how they sign in); one query."""
        return set(get_user_model().objects.filter(pk__in=owner_ids).exclude(email="").values_list("pk", flat=True))

    def send(self, delivery) -> None:
        self.message(delivery).send(fail_silently=False)
