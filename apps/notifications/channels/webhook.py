"""Outgoing webhooks: each alert is POSTed as JSON to every active URL the customer added,
signed with HMAC-SHA256 of that webhook's secret.

The signature (explained to customers on the webhooks page, so their receiver can check it)::

    X-BankDash-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key=secret, msg=f"{t}.{raw body}")>

The key is the secret as shown (its ASCII text); the receiver recomputes ``v1`` over the raw
body, compares in constant time and refuses a ``t`` far from its clock (a replay).
``X-BankDash-Delivery`` (and the payload's ``id``) is the idempotency key: a retry of the same
alert carries the same one.

Server-side request forgery: a URL must be https (http only with DEBUG or
WEBHOOK_ALLOW_PRIVATE_NETWORKS) and every address its host resolves to must be public (unless
WEBHOOK_ALLOW_PRIVATE_NETWORKS). It is checked when the customer saves it and again at every
send, and the connection is made to the very address that was checked (TLS still verifies the
certificate against the host name), so a DNS answer that changes after the check cannot aim the
request at the internal network. Redirects are not followed; no proxy from the environment is used.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alerts_raise
from apps.core import formats

from ..models import Channel, Webhook
from .base import absolute

logger = logging.getLogger("bankdash.notifications")

TIMEOUT_SECONDS = 5
USER_AGENT = "BankDash-Webhooks/1"
ERROR_MAX_LENGTH = Webhook._meta.get_field("last_error").max_length


class WebhookAttemptFailed(Exception):
    """A webhook did not take the message (refused address, no connection, not a 2xx answer)."""


# ---------------------------------------------------------------------------
# The address check (SSRF)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Where a checked URL is sent: the address it resolved to, and what the request names."""

    scheme: str
    host: str  # as in the URL (the TLS name and the Host header)
    port: int
    addresses: tuple[str, ...]  # the checked IP addresses the connection goes to, in the resolver's order
    path: str  # path and query

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == (443 if self.scheme == "https" else 80) else f"{host}:{self.port}"


def allow_private_networks() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False))


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet: not private, loopback, link-local
    (169.254.169.254, the clouds' metadata service), shared, multicast, reserved or unspecified,
    looking through IPv4 addresses written as IPv6 (::ffff:10.0.0.1, 6to4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope ("fe80::1%eth0") names no other host
    if ip.version == 6:
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                 or ip.is_private or ip.is_unspecified)


def check_url(url: str) -> Target:
    """Where ``url`` may be sent, or ``ValidationError`` with a message for the customer. Resolves
    the host (DNS), so call it outside of database transactions when you can."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and (settings.DEBUG or allow_private_networks())):
        raise ValidationError(_("Use an https:// address: your alerts are about your money and travel encrypted."))
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise ValidationError(_("The port in this address is not a number from 1 to 65535.")) from None
    if not host:
        raise ValidationError(_("Enter the full address of your receiver, for example https://example.com/bankdash."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("Leave the user name and password out of the address: "
                                "your receiver checks the signature instead."))
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ValidationError(_("The server %(host)s could not be found. Check the address.") % {"host": host}) \
            from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise ValidationError(_("The server %(host)s could not be found. Check the address.") % {"host": host})
    if not allow_private_networks() and not all(is_public_address(a) for a in addresses):
        # Every address, not just the first: the connection must not find a private one later.
        raise ValidationError(_("%(host)s points to a private, local or reserved network address. Webhooks are "
                                "sent only to servers on the public internet.") % {"host": host})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, host=host, port=port, addresses=tuple(addresses), path=path)


# ---------------------------------------------------------------------------
# Signing and posting
# ---------------------------------------------------------------------------

def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The X-BankDash-Signature header's value (see the module's docstring)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def encode(payload: dict) -> bytes:
    """The body as sent (and signed): compact JSON, keys sorted."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def alert_payload(delivery) -> dict:
    """What a receiver is told of one alert: what a customer sees on the alerts page, nothing internal
    (its title in the owner's language, as the message was written)."""
    alert = delivery.alert
    with formats.for_user(delivery.owner):
        title = alert.get_kind_display()
    return {
        "id": delivery.idempotency_key,
        "type": alert.kind,
        "created_at": _utc(alert.created_at),
        "message": alert.message,
        "alert": {"id": alert.pk, "kind": alert.kind, "title": title, "message": alert.message,
                  "created_at": _utc(alert.created_at), "url": absolute(reverse("alerts:list"))},
    }


def trial_payload(*, key: str, now: datetime) -> dict:
    """The "test" event the customer sends from the webhooks page."""
    return {"id": key, "type": "test", "created_at": _utc(now),
            "message": _("A test from BankDash: your webhook receives and can verify our alerts."), "alert": None}


def _reason(error: Exception) -> str:
    """The underlying OS or TLS error's words (urllib3's own message names its connection object)."""
    cause = error.__cause__ or error.__context__ or getattr(error, "reason", None) or error
    return getattr(cause, "strerror", None) or str(cause) or type(cause).__name__


def post(*, url: str, secret: str, body: bytes, key: str) -> int:
    """POST ``body`` to ``url``, signed with ``secret``. Returns the 2xx status; raises
    ``WebhookAttemptFailed`` with a short reason otherwise (refused address, no connection,
    timeout, any other answer, redirects included)."""
    try:
        target = check_url(url)
    except ValidationError as error:
        raise WebhookAttemptFailed(f"refused: {' '.join(error.messages)}") from None
    headers = {"Host": target.host_header, "Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-BankDash-Delivery": key,
               "X-BankDash-Signature": signature(secret=secret, timestamp=int(time.time()), body=body)}
    for number, address in enumerate(target.addresses, start=1):
        try:
            status = _post_to(target, address, body=body, headers=headers)
        except urllib3.exceptions.NewConnectionError as error:  # before TimeoutError: urllib3 makes it a subclass
            if number < len(target.addresses):
                continue  # refused or unreachable at once (an IPv6 address on an IPv4 host): the next address
            raise WebhookAttemptFailed(f"could not connect: {_reason(error)}"[:ERROR_MAX_LENGTH]) from None
        if not 200 <= status < 300:
            moved = " (redirects are not followed)" if 300 <= status < 400 else ""
            raise WebhookAttemptFailed(f"answered HTTP {status}{moved}")
        return status
    raise WebhookAttemptFailed("no address to connect to")  # check_url gives at least one: not reached


def _post_to(target: Target, address: str, *, body: bytes, headers: dict) -> int:
    """One POST to one checked address; the answer's status. Errors other than a refused
    connection become ``WebhookAttemptFailed``."""
    options = {"host": address, "port": target.port, "timeout": urllib3.Timeout(total=TIMEOUT_SECONDS),
               "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(**options, cert_reqs="CERT_REQUIRED", server_hostname=target.host,
                                           assert_hostname=target.host)
    else:
        pool = urllib3.HTTPConnectionPool(**options)
    try:
        with pool:
            response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False,
                                    retries=False, preload_content=False, assert_same_host=False)
            response.close()  # the answer's body is not read: the status says it all
    except urllib3.exceptions.NewConnectionError:
        raise
    except urllib3.exceptions.TimeoutError:
        raise WebhookAttemptFailed(f"no answer within {TIMEOUT_SECONDS} seconds") from None
    except urllib3.exceptions.SSLError as error:
        raise WebhookAttemptFailed(f"secure connection failed: {_reason(error)}"[:ERROR_MAX_LENGTH]) from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise WebhookAttemptFailed(f"connection failed: {_reason(error)}"[:ERROR_MAX_LENGTH]) from None
    return response.status


# ---------------------------------------------------------------------------
# A webhook's record of successes and failures
# ---------------------------------------------------------------------------

def record_success(*, webhook_id: int, now: datetime) -> None:
    Webhook.objects.filter(pk=webhook_id).update(consecutive_failures=0, last_success_at=now)


def record_failure(*, webhook: Webhook, error: str, now: datetime) -> bool:
    """Count a failed attempt (an F() update: concurrent deliveries each count); at
    WEBHOOK_MAX_FAILURES in a row the webhook is turned off and its owner alerted, in the
    caller's transaction. The conditional UPDATE lets exactly one transaction turn it off, and
    the alert's dedupe key (the webhook and the time it was turned off) makes it one alert per
    turning off. Returns whether this failure turned it off."""
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=F("consecutive_failures") + 1,
                                                 last_error=error[:ERROR_MAX_LENGTH], last_failure_at=now)
    turned_off = Webhook.objects.filter(pk=webhook.pk, is_active=True,
                                        consecutive_failures__gte=settings.WEBHOOK_MAX_FAILURES
                                        ).update(is_active=False, disabled_at=now)
    if turned_off:
        # The host only: a URL's path often holds a token of the receiver's, and this alert goes out by email too.
        owner = webhook.owner  # its language: the alert is written for them, and goes out by email too
        with formats.for_user(owner):
            host = urlsplit(webhook.url).hostname or _("your receiver")
            what = _("Your webhook to %(host)s was turned off after %(count)s failed attempts in a row (last: "
                     "%(error)s)") % {"host": host, "count": settings.WEBHOOK_MAX_FAILURES, "error": error}
            message = _("%(what)s. Fix your receiver, then turn the webhook back on in your notification "
                        "settings.") % {"what": what[:400]}
        alerts_raise([Alert(owner_id=webhook.owner_id, kind=AlertKind.WEBHOOK_DISABLED, message=message,
                            dedupe_key=f"webhook-disabled:{webhook.pk}:{now:%Y%m%dT%H%M%S.%f}")],
                     ignore_conflicts=True)
        logger.warning("webhook %s turned off after %s failures", webhook.pk, settings.WEBHOOK_MAX_FAILURES,
                       extra={"webhook_id": webhook.pk})
    return bool(turned_off)


class WebhookChannel:
    name = Channel.WEBHOOK
    label = Channel.WEBHOOK.label
    # On for every kind once the customer adds a webhook (they may turn kinds off).
    default_enabled = True

    def reachable(self, owner_ids: set[int]) -> set[int]:
        """Owners with at least one active webhook; one query."""
        return set(Webhook.objects.filter(owner_id__in=owner_ids, is_active=True)
                   .values_list("owner_id", flat=True).distinct())

    def send(self, delivery) -> None:
        """POST the alert to each of the owner's active webhooks not yet sent to, then record
        each outcome (in id order, after all the requests: no webhook row is locked while
        waiting on another's server). Raises if any failed, after trying all of them: the job
        is retried with backoff, and only the failed ones are tried again (``sent_targets``)."""
        webhooks = list(Webhook.objects.filter(owner_id=delivery.owner_id, is_active=True)
                        .exclude(pk__in=delivery.sent_targets).order_by("pk"))
        if not webhooks:
            return  # none left (deleted or turned off): nothing to send
        body = encode(alert_payload(delivery))
        outcomes = []
        for webhook in webhooks:
            try:
                post(url=webhook.url, secret=webhook.secret, body=body, key=delivery.idempotency_key)
            except WebhookAttemptFailed as error:
                outcomes.append((webhook, str(error)))
            else:
                outcomes.append((webhook, None))
                delivery.sent_targets.append(webhook.pk)
        now = timezone.now()
        for webhook, error in outcomes:
            if error is None:
                record_success(webhook_id=webhook.pk, now=now)
            else:
                record_failure(webhook=webhook, error=error, now=now)
        failed = [f"{urlsplit(w.url).hostname}: {error}" for w, error in outcomes if error is not None]
        if failed:
            raise WebhookAttemptFailed("; ".join(failed))
