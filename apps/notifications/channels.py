"""The ways an alert leaves BankDash, by name. The in-app list is not one of them: an alert is
always in the list. Each channel has ``send(delivery)``, which raises if the message was not
accepted (the job is then retried); web push and webhooks join CHANNELS later."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Channel
from .tokens import unsubscribe_token


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class EmailChannel:
    name = Channel.EMAIL
    label = Channel.EMAIL.label
    # On unless the customer turns it off (per kind, on the settings page or from an email).
    default_enabled = True

    def message(self, delivery) -> EmailMessage:
        alert, owner = delivery.alert, delivery.owner
        unsubscribe_url = absolute(reverse("notifications:unsubscribe", args=[
            unsubscribe_token(user_id=owner.pk, kind=alert.kind, channel=self.name)]))
        context = {"alert": alert, "kind_label": alert.get_kind_display(), "unsubscribe_url": unsubscribe_url,
                   "alerts_url": absolute(reverse("alerts:list")),
                   "settings_url": absolute(reverse("notifications:settings"))}
        domain = urlsplit(settings.SITE_URL).hostname or "bankdash.local"
        return EmailMessage(
            subject=f"BankDash: {alert.get_kind_display()}",
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

    def send(self, delivery) -> None:
        self.message(delivery).send(fail_silently=False)


CHANNELS = {Channel.EMAIL: EmailChannel()}
