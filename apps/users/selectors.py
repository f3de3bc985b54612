"""Reads of the users app."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .devices import browser_shown, os_shown
from .models import SignedInSession, User
from .tokens import activation_token


def two_factor_enabled(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def customer_pending_activation(*, uidb64: str, token: str) -> User | None:
    """The inactive customer an activation link names, if its token is valid; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not activation_token.check_token(user, token):
        return None
    return user


SESSIONS_SHOWN = 30


@dataclass(frozen=True)
class SessionLine:
    """One place the user is signed in, as the settings page lists it (the browser and system in
    the active language, when unknown)."""

    id: int
    browser: str
    os: str
    network: str  # "203.0.113.0/24"; "" when unknown (a sign-in before networks were kept)
    signed_in_at: datetime | None  # None: open before the list existed
    last_active: datetime  # to SESSION_RENEW_INTERVAL (a minute in production): the session's last save
    current: bool  # the browser asking


def signed_in_sessions(*, user, current_key: str | None, limit: int = SESSIONS_SHOWN) -> tuple[list[SessionLine], int]:
    """Where ``user`` is signed in: the sessions still live in the session store, this browser's
    first, then the most recently active; at most ``limit`` of them, and how many there are in
    all. One statement (two with more than ``limit``). A session's last activity is its last
    save: it expires SESSION_COOKIE_AGE after it (production renews it at most once a minute)."""
    now = timezone.now()
    model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    expires = Subquery(model._default_manager.filter(session_key=OuterRef("session_key"), expire_date__gt=now)
                       .values("expire_date")[:1])
    rows = list(SignedInSession.objects.filter(user=user)
                .annotate(expires=expires, current=Case(When(session_key=current_key or "", then=Value(True)),
                                                        default=Value(False)))
                .filter(expires__isnull=False)
                .order_by("-current", F("expires").desc(), "-id")
                .values("id", "browser", "os", "network", "signed_in_at", "expires", "current")[:limit + 1])
    total = len(rows)
    if total > limit:
        rows = rows[:limit]
        total = SignedInSession.objects.filter(user=user).annotate(expires=expires).filter(
            expires__isnull=False).count()
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return [SessionLine(id=row["id"], browser=browser_shown(row["browser"]), os=os_shown(row["os"]),
                        network=row["network"], signed_in_at=row["signed_in_at"],
                        last_active=now if row["current"] else min(now, row["expires"] - age),
                        current=row["current"]) for row in rows], total
