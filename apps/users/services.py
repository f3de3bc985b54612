from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import CUSTOMER

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


@transaction.atomic
def customer_register(*, form) -> "User":  # noqa: F821
    """Create the user from a valid RegistrationForm and put them in the customer group."""
    user = form.save()
    group, _ = Group.objects.get_or_create(name=CUSTOMER)
    user.groups.add(group)
    return user


# ---------------------------------------------------------------------------
# Two-factor authentication (TOTP app + single-use recovery codes, django-otp)
# ---------------------------------------------------------------------------

def two_factor_enabled(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_for_setup(*, user) -> TOTPDevice:
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
    return recovery_codes_generate(user=user)


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; each works once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_disable(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def two_factor_verify(*, user, code: str):
    """The confirmed device that accepts ``code`` (a 6-digit app code or an unused
    recovery code), or None. Only the device the code's shape points to is tried, so a
    typo never counts against (and throttles) the other device."""
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
