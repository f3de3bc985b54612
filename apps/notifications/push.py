"""Web push: the server's VAPID key pair, and the browsers a customer registers.

A browser that agrees to receive pushes gives a subscription (the Push API's): an endpoint URL
on its vendor's push service and the keys the payload is encrypted to. ``push_subscription_save``
checks and keeps it; ``channels.push`` sends to it. The worker POSTs to whatever endpoint is
stored, so only https URLs on a named host are accepted (plain http on this machine only for
development and the tests' fake push service).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import PushSubscription

logger = logging.getLogger("bankdash.notifications")

# Each alert is sent to every browser of its owner: a bound keeps one account from fanning out.
MAX_BROWSERS = 20
ENDPOINT_MAX_LENGTH = PushSubscription._meta.get_field("endpoint").max_length
USER_AGENT_MAX_LENGTH = PushSubscription._meta.get_field("user_agent").max_length
P256DH_LENGTH = 65  # an uncompressed P-256 point (RFC 8291)
AUTH_LENGTH = 16  # the browser's auth secret (RFC 8291)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(value: str) -> bytes:
    """Unpadded (or padded) base64url; ValueError on anything else."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        raise ValueError("not base64url")
    value = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


# ---------------------------------------------------------------------------
# The VAPID key pair
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # base64url of the uncompressed point: the browsers' applicationServerKey
    private_key: str  # base64url of the 32-byte scalar
    subject: str  # mailto: or https: contact for the push services


def _public_of(private_key: str) -> str:
    scalar = int.from_bytes(b64url_decode(private_key), "big")
    public = ec.derive_private_key(scalar, ec.SECP256R1()).public_key()
    return b64url_encode(public.public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint))


@lru_cache(maxsize=8)
def _checked_pair(public_key: str, private_key: str) -> tuple[str, str] | None:
    """A pair whose halves do not match would let browsers subscribe and every push be refused.
    It is logged (once per process) and push is off: a broken push setting must not stop the
    other channels, which are dispatched with it."""
    try:
        derived = _public_of(private_key)
    except ValueError:
        logger.error("VAPID_PRIVATE_KEY is not a base64url 32-byte P-256 private key: web push is off")
        return None
    if derived != public_key.rstrip("="):
        logger.error("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY: web push is off")
        return None
    return derived, private_key


def generate_vapid_pair() -> tuple[str, str]:
    """A new (public, private) pair, base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))
    return _public_of(private), private


def _development_pair(path: Path) -> tuple[str, str]:
    """The pair kept in ``path``, made on first use. Created with a hard link from a temporary
    file, so the web server and the worker starting together agree on one pair."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        public, private = generate_vapid_pair()
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump({"public_key": public, "private_key": private}, file)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    stored = json.loads(path.read_text())
    return stored["public_key"], stored["private_key"]


def vapid_keys() -> VapidKeys | None:
    """The server's key pair from the settings; with none set, DEBUG's development pair (made
    once, kept in VAPID_DEV_KEY_FILE); otherwise (or with a broken pair) None: web push is not
    available."""
    public, private = settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY
    if not (public and private):
        if not settings.DEBUG:
            return None
        public, private = _development_pair(Path(settings.VAPID_DEV_KEY_FILE))
    pair = _checked_pair(public, private)
    if pair is None:
        return None
    return VapidKeys(public_key=pair[0], private_key=pair[1], subject=settings.VAPID_SUBJECT)


# ---------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------

def _allows_local_http() -> bool:
    return bool(settings.DEBUG or getattr(settings, "PUSH_ALLOW_LOCAL_HTTP", False))


def clean_endpoint(endpoint) -> str:
    """An https URL on a named host (push services are); http only to this machine, and only
    when DEBUG or PUSH_ALLOW_LOCAL_HTTP allows it."""
    message = _("The push endpoint must be an https URL of the browser's push service.")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > ENDPOINT_MAX_LENGTH:
        raise ValidationError({"endpoint": message})
    try:
        parts = urlsplit(endpoint)
        host, _port = parts.hostname or "", parts.port  # port: ValueError when malformed
    except ValueError:
        raise ValidationError({"endpoint": message}) from None
    if parts.username or parts.password or any(c.isspace() for c in endpoint):
        raise ValidationError({"endpoint": message})
    if parts.scheme == "http" and host in LOCAL_HOSTS and _allows_local_http():
        return endpoint
    if parts.scheme != "https" or not host or host in LOCAL_HOSTS or "." not in host:
        raise ValidationError({"endpoint": message})
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return endpoint
    raise ValidationError({"endpoint": message})  # an address, not a push service's name


def _clean_browser_key(value, *, field: str, length: int) -> str:
    message = _("The subscription's %(field)s key must be base64url of %(length)s bytes.") % {
        "field": field, "length": length}
    try:
        raw = b64url_decode(value)
    except ValueError:
        raise ValidationError({field: message}) from None
    if len(raw) != length:
        raise ValidationError({field: message})
    if field == "p256dh":
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise ValidationError({field: _("The subscription's p256dh key is not a P-256 public key.")}) from None
    return b64url_encode(raw)


@transaction.atomic
def push_subscription_save(*, user, endpoint, p256dh, auth, user_agent: str = "") -> PushSubscription:
    """Keep the browser subscription ``user`` just made (or renewed). An endpoint is one browser
    profile: if another account of this browser had it, it moves to ``user``, so a shared
    browser shows only the alerts of who turned push on last."""
    if vapid_keys() is None:
        raise ValidationError({"__all__": _("Browser push is not available on this BankDash.")})
    endpoint = clean_endpoint(endpoint)
    p256dh = _clean_browser_key(p256dh, field="p256dh", length=P256DH_LENGTH)
    auth = _clean_browser_key(auth, field="auth", length=AUTH_LENGTH)
    others = PushSubscription.objects.filter(owner=user).exclude(endpoint=endpoint).count()
    if others >= MAX_BROWSERS:
        raise ValidationError({"__all__": _("You have %(count)s browsers with push on: remove one first.") % {
            "count": MAX_BROWSERS}})
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"owner": user, "p256dh": p256dh, "auth": auth,
                  "user_agent": (user_agent or "")[:USER_AGENT_MAX_LENGTH]})
    return subscription


@transaction.atomic
def push_subscription_remove(*, user, subscription_id: int | None = None, endpoint: str | None = None) -> bool:
    """Forget one of ``user``'s browsers (by id, or by endpoint when the browser itself turns
    push off). False when ``user`` has no such browser (another's is not theirs to remove)."""
    if (subscription_id is None) == (endpoint is None):
        raise ValueError("give subscription_id or endpoint")
    mine = PushSubscription.objects.filter(owner=user)
    mine = mine.filter(pk=subscription_id) if subscription_id is not None else mine.filter(endpoint=endpoint)
    deleted, _by_model = mine.delete()
    return deleted > 0


def push_subscriptions_gone(*, ids: list[int]) -> None:
    """The push service said these subscriptions no longer exist (404/410): the browser
    unsubscribed or its user cleared the site's data."""
    if ids:
        PushSubscription.objects.filter(pk__in=ids).delete()


def push_subscriptions_reached(*, ids: list[int], at: datetime) -> None:
    if ids:
        PushSubscription.objects.filter(pk__in=ids).update(last_success_at=at)


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------

def push_subscriptions_for(*, user):
    """``user``'s browsers, newest first."""
    return PushSubscription.objects.filter(owner=user).order_by("-created_at", "-id")


_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def browser_name(user_agent: str) -> str:
    """"Firefox on Windows" from a User-Agent header, for the list of browsers."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("A browser")
