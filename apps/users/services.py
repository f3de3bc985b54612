"""Writes of the users app: registration and activation, passwords, two-factor authentication,
lockout unlocks. Each one that the audit trail records sends its signal here
(apps.users.signals), so a view, a command or a shell session that calls the service is
recorded the same way."""

from __future__ import annotations

from importlib import import_module

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core import formats
from apps.core.currencies import clean_currency

from .devices import browser_and_os, fingerprints, network_of
from .locales import DEFAULT_LOCALE, Locale
from .models import KnownDevice, SignedInSession, User
from .roles import CUSTOMER
from .security import parse_ip
from .signals import (
    account_locked,
    email_changed,
    new_device_signed_in,
    password_changed,
    password_reset_requested,
    profile_changed,
    sessions_signed_out,
    two_factor_changed,
)
from .throttle import hit
from .time_zones import is_current_time_zone
from .tokens import activation_token, email_change_link_make, email_change_link_read

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
NON_ASCII_EMAIL_MESSAGE = gettext_lazy("Please use an address written with plain letters (a-z), digits and "
                                       "punctuation: addresses with accented or non-Latin letters cannot be "
                                       "registered.")
# The email column's own unique index and the case-insensitive one (models.User.Meta).
EMAIL_UNIQUE_CONSTRAINTS = ("users_user_email_key", "users_user_email_ci_unique")


def profile_clean(*, time_zone: str, default_currency: str, locale: str = DEFAULT_LOCALE) -> dict:
    """The time zone (a current IANA name such as "Europe/Paris", not a legacy alias such as
    "US/Pacific": apps.users.time_zones), the currency (ISO 4217) and the locale."""
    if not is_current_time_zone(time_zone):
        raise ValidationError({"time_zone": _("“%(value)s” is not a time zone we offer: choose one from the list, "
                                              "for example Europe/Paris or America/Los_Angeles.")
                               % {"value": str(time_zone)[:40]}})
    if locale not in Locale.values:
        raise ValidationError({"locale": _("“%(value)s” is not a format we offer: choose one from the list.")
                               % {"value": str(locale)[:20]}})
    return {"time_zone": time_zone, "default_currency": clean_currency(default_currency, field="default_currency"),
            "locale": locale}


def registration_email_clean(*, email: str) -> str:
    """A new customer's address in its normal form (UserManager.normalize_email), ASCII
    only: "sısi@x" (a dotless ı) or "sİsi@x" would otherwise be a second account that
    reads like "sisi@x" on every page and in every email."""
    normal = User.objects.normalize_email(email)
    if not normal.isascii():
        raise ValidationError({"email": NON_ASCII_EMAIL_MESSAGE})
    return normal


def registration_throttle(*, ip: str | None) -> bool:
    """Count a registration post against the client's IP; False when it is over
    settings.REGISTRATION_RATE_LIMIT. Counted outside any transaction, in the shared store."""
    limit, window = settings.REGISTRATION_RATE_LIMIT
    return hit(scope="register-ip", key=ip or "-", limit=limit, window_seconds=int(window.total_seconds()))


@transaction.atomic
def customer_register(*, email: str, display_name: str, password: str, time_zone: str,
                      default_currency: str, site_url: str, locale: str = DEFAULT_LOCALE) -> User | None:
    """Register a customer, answering the same whether the address is free or taken.

    A free address: a new customer (in the customer group), inactive until the link emailed
    to the address is followed (customer_activate); returns it. A taken address: nothing
    changes; its owner is emailed that someone tried (with the way to reset the password),
    or, for an account still waiting for activation, sent its link again; returns None.
    ``site_url`` ("https://bankdash.example.com") starts the links in the emails."""
    email = registration_email_clean(email=email)
    profile = profile_clean(time_zone=time_zone, default_currency=default_currency, locale=locale)
    user = User(email=email, display_name=" ".join(display_name.split()), is_active=False, **profile)
    # Hashed even when the address is taken: both answers take the same time.
    user.set_password(password)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:  # a concurrent registration of the same address won
            if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) not in EMAIL_UNIQUE_CONSTRAINTS:
                raise
            existing = User.objects.get(email=email)
        else:
            user.groups.add(Group.objects.get_or_create(name=CUSTOMER)[0])
            _email_activation_link(user=user, site_url=site_url, again=False)
            return user
    limit, window = settings.REGISTRATION_RATE_LIMIT
    # The owner of a taken address hears of it, at most ``limit`` times a window.
    if hit(scope="register-email", key=email, limit=limit, window_seconds=int(window.total_seconds())):
        if not existing.is_active and existing.last_login is None:
            # Never activated: the latest registration's details replace the pending ones (so
            # a stranger who registered the address first cannot keep its owner out), and the
            # new password invalidates every earlier link. The link alone activates nothing:
            # customer_activate asks for this password.
            existing.display_name, existing.password = user.display_name, user.password
            existing.time_zone, existing.default_currency = user.time_zone, user.default_currency
            existing.locale = user.locale
            existing.save(update_fields=["display_name", "password", "time_zone", "default_currency", "locale"])
            _email_activation_link(user=existing, site_url=site_url, again=True)
        else:
            _email_user(existing, "already_registered", {
                "reset_url": site_url + reverse("password_reset"), "login_url": site_url + reverse("login")})
    return None


def _email_activation_link(*, user: User, site_url: str, again: bool) -> None:
    path = reverse("activate", args=[urlsafe_base64_encode(force_bytes(user.pk)), activation_token.make_token(user)])
    _email_user(user, "activation", {"activation_url": site_url + path, "again": again,
                                     "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)})


def _email_user(user: User, template: str, context: dict, *, to: str | None = None, reader: User | None = None) -> None:
    """users/emails/<template>_subject.txt and _body.txt, sent once the transaction commits,
    to ``to`` (default: the user's address as it is now, read before the commit), in the
    language of ``reader`` (default: ``user``), the profile whose owner reads it."""
    context = {"user": user, **context}
    with formats.for_user(reader or user):
        subject = " ".join(render_to_string(f"users/emails/{template}_subject.txt", context).split())
        body = render_to_string(f"users/emails/{template}_body.txt", context)
    recipient = to or user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))


@transaction.atomic
def customer_activate(*, user: User, token: str, password: str) -> User:
    """Activate a registered customer with the token of the emailed link (single use) and
    the password chosen at registration: the link proves the address, the password proves
    it is the person who registered (someone who registered another's address cannot have
    its owner activate an account whose password they know)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or not activation_token.check_token(user, token):
        raise ValidationError(_("This activation link is invalid or has expired."))
    if not user.check_password(password or ""):
        raise ValidationError({"password": _("That is not the password chosen when this account was registered. "
                                             "If you did not register, ignore this page; to start again, register "
                                             "with your own password.")})
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


# ---------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------

@transaction.atomic  # the password and what its signal writes (audit, alert) commit together
def password_set(*, user, password: str, how: str, keep_session_key: str | None = None) -> None:
    """A new password (``how``: "change" by the user, or "reset" through the emailed link).
    Every session of the user ends but ``keep_session_key`` (the browser that changed it):
    Django would refuse them at their next request anyway (their hash no longer matches), and
    ending them now keeps the list of where one is signed in true."""
    user.set_password(password)
    user.save(update_fields=["password"])
    password_changed.send(sender=User, user=user, request=None, how=how)
    sessions_sign_out(user=user, keep_session_key=keep_session_key,
                      reason="password_change" if how == "change" else "password_reset")


def password_reset_throttle(*, email: str, ip: str | None, limit: int, window_seconds: int) -> bool:
    """Count a reset request against the client's IP and the address; False when either is
    over ``limit`` in ``window_seconds``. Both counters move on every request, so alternating
    addresses does not help."""
    email = User.objects.normalize_email(email)
    ip_ok = hit(scope="pwreset-ip", key=ip or "-", limit=limit, window_seconds=window_seconds)
    email_ok = hit(scope="pwreset-email", key=email, limit=limit, window_seconds=window_seconds)
    allowed = ip_ok and email_ok
    password_reset_requested.send(sender=User, request=None, email=email, throttled=not allowed)
    return allowed


# ---------------------------------------------------------------------------
# Two-factor authentication (TOTP app + single-use recovery codes, django-otp)
# ---------------------------------------------------------------------------

def totp_device_get_or_create(*, user) -> TOTPDevice:
    """The unconfirmed device whose key the setup page shows; the same one on every visit
    until it is confirmed, so a QR code already scanned stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def two_factor_code_throttle(*, user) -> None:
    """Count a code typed to set up or turn off two-factor authentication; refused once
    settings.TWO_FACTOR_RATE_LIMIT is reached for this user. django-otp's own throttle is
    off (OTP_*_THROTTLE_FACTOR = 0: it refused a right code typed a second after a wrong
    one); at login, the lockout counts wrong codes (two_factor_verify)."""
    limit, window = settings.TWO_FACTOR_RATE_LIMIT
    if not hit(scope="two-factor-code", key=str(user.pk), limit=limit, window_seconds=int(window.total_seconds())):
        raise ValidationError({"code": _("Too many codes tried. Please wait %(minutes)s minutes and try again.")
                               % {"minutes": int(window.total_seconds()) // 60}})


def two_factor_enable(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a code it shows now; returns fresh recovery codes (shown once)."""
    two_factor_code_throttle(user=user)  # outside the transaction: a wrong code still counts
    return _two_factor_enable(user=user, device=device, code=code)


@transaction.atomic
def _two_factor_enable(*, user, device: TOTPDevice, code: str) -> list[str]:
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not _totp_code_ok(device, code):
        raise ValidationError({"code": _("That code does not match. Check the time on your phone and try again.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One app at a time: confirming this one retires any other.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(user=user)
    two_factor_changed.send(sender=User, user=user, request=None, action="enabled")
    return codes


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; each works once."""
    codes = _new_recovery_codes(user=user)
    two_factor_changed.send(sender=User, user=user, request=None, action="recovery_codes_generated")
    return codes


def _new_recovery_codes(*, user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_disable(*, user, code: str) -> None:
    """Turn two-factor off; it takes a current code, so a stolen session alone cannot."""
    two_factor_code_throttle(user=user)  # outside the transaction: a wrong code still counts
    _two_factor_disable(user=user, code=code)


@transaction.atomic
def _two_factor_disable(*, user, code: str) -> None:
    if _device_accepting(user=user, code=code) is None:
        raise ValidationError({"code": _("That code is not valid.")})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    two_factor_changed.send(sender=User, user=user, request=None, action="disabled")


def two_factor_verify(*, user, code: str, request=None):
    """The second factor at login: the confirmed device that accepts ``code`` (a 6-digit app
    code or an unused recovery code, which is then spent), or None. A wrong code counts as a
    failed login of this user's account (django-axes: the account locks after the same 5 as
    for passwords; ``request`` gives it the client's address, whose own limit is higher).
    Each code is judged on its own: a right one right after a wrong one is accepted."""
    device = _device_accepting(user=user, code=code)
    if device is None:
        user_login_failed.send(sender=__name__, request=request,
                               credentials={"username": user.email, "factor": "two-factor code"})
        return None
    two_factor_changed.send(sender=User, user=user, request=None, action="verified",
                            device=device.__class__.__name__)
    return device


def _device_accepting(*, user, code: str):
    """Only the device the code's shape points to is tried, so a typo never counts against
    (and throttles) the other device."""
    code = "".join((code or "").split()).lower()
    if not code:
        return None
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    # Locked rows: two requests cannot both spend the same code or step.
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def _totp_code_ok(device: TOTPDevice, code: str) -> bool:
    code = "".join((code or "").split())
    return len(code) == 6 and code.isdigit() and device.verify_token(code)


# ---------------------------------------------------------------------------
# Lockouts (django-axes): support unlocks
# ---------------------------------------------------------------------------

def login_unlock(*, email: str | None = None, ip_address: str | None = None) -> int:
    """Forget the failed logins counted against an account (any spelling of its address)
    and/or from an IP address, which lifts their lockout; returns how many records went."""
    if not email and not ip_address:
        raise ValidationError("Name an email address or an IP address to unlock.")
    attempts = AccessAttempt.objects.none()
    if email:
        attempts |= AccessAttempt.objects.filter(username=User.objects.normalize_email(email))
    if ip_address:
        ip = parse_ip(ip_address)
        if ip is None:
            raise ValidationError(f"“{ip_address[:60]}” is not an IP address.")
        attempts |= AccessAttempt.objects.filter(ip_address=ip)
    _, deleted = attempts.delete()
    return deleted.get(AccessAttempt._meta.label, 0)


@transaction.atomic
def account_lock_noted(*, email: str | None, ip: str | None) -> User | None:
    """django-axes paused sign-ins to the account of ``email`` (its normal form) after too many
    failures, the last from ``ip``: send ``account_locked`` for its active user, its row locked
    so that two reports of one lock at once are told of one after the other (the receiver tells
    a lock once per pause). None when the address reaches no active account."""
    user = User.objects.filter(email=email or "", is_active=True).select_for_update().first()
    if user is None:
        return None
    account_locked.send(sender=User, user=user, network=network_of(ip), pause=settings.AXES_COOLOFF_TIME)
    return user


# ---------------------------------------------------------------------------
# Known devices (what a sign-in is recognised by: apps.users.devices)
# ---------------------------------------------------------------------------

@transaction.atomic
def known_device_record(*, user, user_agent: str | None, ip: str | None) -> tuple[KnownDevice | None, bool]:
    """Note a sign-in of ``user`` from this browser and address. Returns (device, is_new); a
    sign-in without an address (a test client, a shell) is not recorded: (None, False).
    A device new to a user who already had one sends ``new_device_signed_in`` inside this
    transaction (the first device ever is how an account starts, not news). Two sign-ins at
    once from the same new device record it once (the unique (user, fingerprint) index)."""
    if not ip:
        return None, False
    browser, os_name = browser_and_os(user_agent)
    network = network_of(ip)
    current, *older = fingerprints(user_id=user.pk, browser=browser, os=os_name, network=network)
    now = timezone.now()
    known = KnownDevice.objects.filter(user=user, fingerprint__in=[current, *older]).order_by("pk").first()
    if known is not None:
        # Re-keyed to the current SECRET_KEY if it was recognised under a fallback key.
        KnownDevice.objects.filter(pk=known.pk).update(last_seen=now, fingerprint=current)
        return known, False
    had_devices = KnownDevice.objects.filter(user=user).exists()
    device, created = KnownDevice.objects.get_or_create(
        user=user, fingerprint=current,
        defaults={"browser": browser, "os": os_name, "first_seen": now, "last_seen": now})
    if created and had_devices:
        new_device_signed_in.send(sender=KnownDevice, user=user, device=device, network=network)
    return device, created


# ---------------------------------------------------------------------------
# Where a user is signed in (apps.users.models.SignedInSession)
# ---------------------------------------------------------------------------

def signed_in_session_record(*, user, session_key: str | None, user_agent: str | None,
                             ip: str | None = None) -> SignedInSession | None:
    """Name the session ``user`` just signed in with (the key Django's login() gave it; a
    sign-in without a session, as in a shell, names none), with the browser, the system and
    the network of ``ip`` (not the address itself). A key already named is taken over."""
    if not session_key:
        return None
    browser, os_name = browser_and_os(user_agent)
    row = SignedInSession(user=user, session_key=session_key, browser=browser, os=os_name,
                          network=network_of(ip), signed_in_at=timezone.now())
    # One statement: INSERT ... ON CONFLICT (session_key) DO UPDATE.
    SignedInSession.objects.bulk_create([row], update_conflicts=True, unique_fields=["session_key"],
                                        update_fields=["user", "browser", "os", "network", "signed_in_at"])
    return row


def signed_in_session_forget(*, session_key: str | None) -> None:
    """The session ended from its own browser (logged out, or idle)."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def signed_in_session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """The session went on under a new key (a password change cycles it, Django's
    update_session_auth_hash): its row follows."""
    if old_key and new_key and old_key != new_key:
        SignedInSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _sessions_end(keys: list[str]) -> None:
    """End the sessions with these keys in the session store, whichever of Django's stores
    keeps them in the database (``db``, or ``cached_db`` with Redis): their rows go with the
    caller's transaction. A cached copy is dropped now, and again once the rows' deletion is
    committed, so a request that read the row before the commit cannot keep a copy in the cache
    (only one that read it before the commit and writes its copy after both drops could,
    until its next save, which finds no row and fails)."""
    if not keys:
        return
    store = _session_store()
    store.get_model_class()._default_manager.filter(session_key__in=keys).delete()
    prefix = getattr(store, "cache_key_prefix", None)
    if prefix is not None:
        cache = caches[settings.SESSION_CACHE_ALIAS]
        cache_keys = [prefix + key for key in keys]
        cache.delete_many(cache_keys)
        transaction.on_commit(lambda: cache.delete_many(cache_keys))


@transaction.atomic
def sessions_sign_out(*, user, keep_session_key: str | None = None, session_ids=None, by=None,
                      reason: str = "settings") -> list[SignedInSession]:
    """End ``user``'s sessions, all but ``keep_session_key`` (the browser asking), or only the
    ones of ``session_ids`` among them; returns the rows of those ended. Each browser signed
    out finds itself on the login page at its next request. Sends ``sessions_signed_out``
    (the audit trail) when any ended; ``by`` is a staff member ending them from the admin,
    ``reason`` says why ("settings", "password_change", "password_reset", "profile_closed",
    "admin")."""
    rows = SignedInSession.objects.select_for_update().filter(user=user)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    if session_ids is not None:
        rows = rows.filter(pk__in=list(session_ids))
    ended = list(rows.order_by("pk"))
    if not ended:
        return []
    _sessions_end([row.session_key for row in ended])
    SignedInSession.objects.filter(pk__in=[row.pk for row in ended]).delete()
    sessions_signed_out.send(sender=User, user=user, sessions=[str(row) for row in ended], by=by, reason=reason)
    return ended


def signed_in_sessions_purge() -> int:
    """Delete the rows of sessions that ended without a logout (idle, the browser closed, a
    password changed elsewhere): the daily clean-up, after the expired sessions are cleared."""
    live = _session_store().get_model_class()._default_manager.filter(
        session_key=OuterRef("session_key"), expire_date__gt=timezone.now())
    deleted, _by_model = SignedInSession.objects.exclude(Exists(live)).delete()
    return deleted


# ---------------------------------------------------------------------------
# Settings: the profile, and an email change confirmed from the new address
# ---------------------------------------------------------------------------

EMAIL_CHANGE_RATE_LIMIT = (5, 3600)  # requests per user per hour (each sends an email)
PROFILE_FIELDS = ("display_name", "time_zone", "default_currency", "locale")
EMAIL_LINK_USED_MESSAGE = gettext_lazy("This link has already been used, or the profile's address changed since it "
                                       "was sent: ask for a new one from your settings page.")
EMAIL_TAKEN_MESSAGE = gettext_lazy("That address now belongs to another profile: ask for a link to another address.")


@transaction.atomic
def profile_update(*, user: User, display_name: str, time_zone: str, default_currency: str, locale: str) -> User:
    """Save the profile settings; they take effect on the next read (a new time zone moves
    "today" at once: apps.core.dates.user_today reads the stored zone). The audit trail
    records what changed (profile_changed), nothing when nothing did."""
    name = " ".join((display_name or "").split())
    if not name:
        raise ValidationError({"display_name": _("Enter the name BankDash should call you.")})
    profile = {"display_name": name[:150], **profile_clean(time_zone=time_zone, default_currency=default_currency,
                                                           locale=locale)}
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = {field: [getattr(user, field), value] for field, value in profile.items()
               if getattr(user, field) != value}
    if changes:
        for field, (_old, value) in changes.items():
            setattr(user, field, value)
        user.save(update_fields=list(changes))
        profile_changed.send(sender=User, user=user, changes=changes)
    return user


def email_change_request(*, user: User, new_email: str, password: str, site_url: str) -> str:
    """Email a link to ``new_email`` that moves the profile to it (email_change_confirm);
    nothing changes until it is followed. Asks for the current password (a session left
    open is not enough) and is throttled per user, wrong passwords included. Whether the new
    address belongs to another profile is told to that address only (the page answers the
    same): no one learns here which addresses have a profile. Returns the normal form."""
    limit, window = EMAIL_CHANGE_RATE_LIMIT
    if not hit(scope="email-change", key=str(user.pk), limit=limit, window_seconds=window):
        raise ValidationError(_("Too many address changes asked for. Please wait %(minutes)s minutes and try again.")
                              % {"minutes": window // 60}, code="throttled")
    if not user.check_password(password or ""):
        raise ValidationError({"password": _("That is not your current password.")})
    new_email = registration_email_clean(email=new_email)
    if new_email == user.email:
        raise ValidationError({"new_email": _("That is already your address.")})
    with transaction.atomic():
        context = {"new_email": new_email, "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        owner = User.objects.filter(email=new_email).first()
        if owner is not None:
            # Read by the address's owner: in their language.
            _email_user(user, "email_change_taken", context, to=new_email, reader=owner)
        else:
            path = reverse("email_change_confirm", args=[email_change_link_make(user=user, new_email=new_email)])
            _email_user(user, "email_change_link", {**context, "confirm_url": site_url + path}, to=new_email)
    return new_email


def email_change_link_check(*, token: str):
    """The link's content if following it would work now (for the page before the button);
    ValidationError with the reason otherwise."""
    link = email_change_link_read(token)
    user = User.objects.filter(pk=link.user_id, is_active=True).only("email").first()
    if user is None or not link.moves_from(user.email):
        raise ValidationError(EMAIL_LINK_USED_MESSAGE)
    return link


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    """Follow the emailed link: the profile's address becomes the new one, the old address is
    told, the audit trail records it. Refused for a forged or expired link, and for a used
    one (the link names the address it moves from: once moved, it no longer matches)."""
    link = email_change_link_read(token)  # ValidationError when forged or expired
    user = User.objects.select_for_update().filter(pk=link.user_id, is_active=True).first()
    if user is None or not link.moves_from(user.email):
        raise ValidationError(EMAIL_LINK_USED_MESSAGE)
    if User.objects.filter(email=link.new_email).exclude(pk=user.pk).exists():
        raise ValidationError(EMAIL_TAKEN_MESSAGE)
    old_email = user.email
    user.email = link.new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as error:  # the address was taken between the check and the write
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) not in EMAIL_UNIQUE_CONSTRAINTS:
            raise
        raise ValidationError(EMAIL_TAKEN_MESSAGE) from None
    email_changed.send(sender=User, user=user, old_email=old_email, new_email=user.email)
    _email_user(user, "email_changed_notice", {"old_email": old_email, "new_email": user.email}, to=old_email)
    return user
