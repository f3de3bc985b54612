"""Reads of the users app."""

from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
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
