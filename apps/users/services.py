"""Writes of the users app: registration, passwords, two-factor authentication. Each one
that the audit trail records sends its signal here (apps.users.signals), so a view, a
command or a shell session that calls the service is recorded the same way."""

from __future__ import annotations

from django.contrib.auth import user_login_failed
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.currencies import clean_currency
from apps.core.dates import is_time_zone

from .models import User
from .roles import CUSTOMER
from .signals import password_changed, password_reset_requested, two_factor_changed
from .throttle import hit

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def profile_clean(*, time_zone: str, default_currency: str) -> dict:
    """The time zone (an IANA name such as "Europe/Paris") and the currency (ISO 4217)."""
    if not is_time_zone(time_zone):
        raise ValidationError({"time_zone": f"“{str(time_zone)[:40]}” is not a time zone we know: choose one "
                                            "from the list, for example Europe/Paris."})
    return {"time_zone": time_zone, "default_currency": clean_currency(default_currency, field="default_currency")}


@transaction.atomic
def customer_register(*, email: str, display_name: str, password: str, time_zone: str,
                      default_currency: str) -> User:
    """Create a customer (email, name, time zone, currency, password) in the customer group."""
    profile = profile_clean(time_zone=time_zone, default_currency=default_currency)
    user = User(email=User.objects.normalize_email(email), display_name=" ".join(display_name.split()), **profile)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=CUSTOMER)[0])
    return user


# ---------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------

def password_set(*, user, password: str, how: str) -> None:
    """A new password (``how``: "change" by the user, or "reset" through the emailed link)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    password_changed.send(sender=User, user=user, request=None, how=how)


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


@transaction.atomic
def two_factor_enable(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a code it shows now; returns fresh recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not _totp_code_ok(device, code):
        raise ValidationError({"code": "That code does not match. Check the time on your phone and try again."})
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


@transaction.atomic
def two_factor_disable(*, user, code: str) -> None:
    """Turn two-factor off; it takes a current code, so a stolen session alone cannot."""
    if _device_accepting(user=user, code=code) is None:
        raise ValidationError({"code": "That code is not valid."})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    two_factor_changed.send(sender=User, user=user, request=None, action="disabled")


def two_factor_verify(*, user, code: str, request=None):
    """The second factor at login: the confirmed device that accepts ``code`` (a 6-digit app
    code or an unused recovery code, which is then spent), or None. A wrong code counts as a
    failed login (django-axes locks out after the same 5 as for passwords; ``request`` gives
    it the client's address)."""
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
