"""The customer's webhooks: adding (with a new signing secret), deleting, turning back on,
sending a test event, and the reads their page needs. Sending alerts is the channel's
(``channels.webhook``), which also counts failures and turns a webhook off.

Every write is scoped by owner: another customer's webhook is ``Webhook.DoesNotExist`` (a 404
for the views). The address is checked against private networks here (a form error) and again
at every send (DNS may change in between).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .channels.webhook import WebhookAttemptFailed, check_url, encode, post, trial_payload
from .models import Webhook

MAX_WEBHOOKS_PER_USER = 5
URL_MAX_LENGTH = Webhook._meta.get_field("url").max_length


def _normalized(url: str) -> str:
    """The URL with its scheme and host in lower case (they are case-insensitive), so the same
    address typed twice is found a duplicate."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.rsplit("@", 1)
    netloc[-1] = netloc[-1].lower()
    return urlunsplit((parts.scheme.lower(), "@".join(netloc), parts.path, parts.query, ""))


def _valid_url(url: str) -> str:
    url = _normalized(url or "")
    if not url:
        raise ValidationError({"url": _("Enter the address of your receiver.")})
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError({"url": _("Keep the address to %(count)s characters.") % {"count": URL_MAX_LENGTH}})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Enter a full web address, for example https://example.com/bankdash.")}) \
            from None
    try:
        check_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from None
    return url


def webhook_add(*, user, url: str) -> Webhook:
    """Add a webhook to ``url`` with a new random secret (shown to the customer to verify our
    signatures). Refused: an address that is not https to a public server, one the user
    already has, more than MAX_WEBHOOKS_PER_USER. The address is checked (DNS) before the
    transaction; the user's row is locked so two concurrent adds cannot pass the limit."""
    url = _valid_url(url)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        mine = Webhook.objects.filter(owner=user)
        if mine.filter(url=url).exists():
            raise ValidationError({"url": _("You already have a webhook to this address.")})
        if mine.count() >= MAX_WEBHOOKS_PER_USER:
            raise ValidationError({"__all__": _("You can have at most %(count)s webhooks. Delete one to add "
                                                "another.") % {"count": MAX_WEBHOOKS_PER_USER}})
        return Webhook.objects.create(owner=user, url=url, secret=secrets.token_hex(32))


@transaction.atomic
def webhook_delete(*, user, webhook_id: int) -> Webhook:
    """Delete one of the user's webhooks (nothing more is sent to it). Returns it as it was."""
    webhook = Webhook.objects.select_for_update().get(pk=webhook_id, owner=user)
    webhook.delete()
    return webhook


@transaction.atomic
def webhook_reactivate(*, user, webhook_id: int) -> Webhook:
    """Turn a webhook back on with its failure count at zero (the next alert goes to it)."""
    webhook = Webhook.objects.select_for_update().get(pk=webhook_id, owner=user)
    webhook.is_active, webhook.disabled_at, webhook.consecutive_failures = True, None, 0
    webhook.save(update_fields=["is_active", "disabled_at", "consecutive_failures"])
    return webhook


@dataclass(frozen=True)
class WebhookTestResult:
    ok: bool
    detail: str  # "answered HTTP 204" (in the active language), or why it failed (the technical reason)


def webhook_send_test(*, user, webhook_id: int) -> WebhookTestResult:
    """Send a signed "test" event to one of the user's webhooks now (a turned-off one too, to
    check a fix before turning it back on) and say how it went. It changes nothing recorded:
    the failure count is about alerts, and a customer trying their receiver must not turn it off."""
    webhook = Webhook.objects.get(pk=webhook_id, owner=user)
    key = f"test-{webhook.pk}-{secrets.token_hex(8)}"
    try:
        status = post(url=webhook.url, secret=webhook.secret, body=encode(trial_payload(key=key, now=timezone.now())),
                      key=key)
    except WebhookAttemptFailed as error:
        return WebhookTestResult(ok=False, detail=str(error))
    return WebhookTestResult(ok=True, detail=_("answered HTTP %(status)s") % {"status": status})


# ---------------------------------------------------------------------------
# Reads (the webhooks page and the settings page's summary)
# ---------------------------------------------------------------------------

def webhooks_for_user(*, user):
    return Webhook.objects.filter(owner=user).order_by("created_at", "id")


def webhook_summary(*, user) -> dict:
    """How many webhooks the user has, and how many are turned off; one query."""
    return Webhook.objects.filter(owner=user).aggregate(total=Count("id"), off=Count("id", filter=Q(is_active=False)))
