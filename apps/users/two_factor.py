"""The login's second step, kept in the session between the password and the code.

After a correct password, a user with a confirmed device is *not* logged in: the
session only remembers who passed the first factor (for PENDING_LOGIN_SECONDS). The
code page then logs them in and marks the session verified (django_otp.login).
"""

import time
from dataclasses import dataclass

from django.conf import settings

from .models import User

PENDING_KEY = "two_factor_pending_login"
PENDING_LOGIN_SECONDS = 300
MAX_CODE_FAILURES = 5


@dataclass
class PendingLogin:
    user: User
    backend: str
    next_url: str
    failures: int


def is_verified(user) -> bool:
    """True when this session passed a second factor (set by django_otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def staff_two_factor_satisfied(user) -> bool:
    """Staff need a verified second factor for the admin (settings.STAFF_REQUIRE_TWO_FACTOR)."""
    if not (user.is_authenticated and user.is_staff) or not settings.STAFF_REQUIRE_TWO_FACTOR:
        return True
    return is_verified(user)


def begin(request, user, *, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "next": next_url,
        "started": time.time(),
        "failures": 0,
    }


def pending(request) -> PendingLogin | None:
    data = request.session.get(PENDING_KEY)
    if not data:
        return None
    if time.time() - data["started"] > PENDING_LOGIN_SECONDS:
        clear(request)
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        clear(request)
        return None
    return PendingLogin(user=user, backend=data["backend"], next_url=data["next"], failures=data["failures"])


def count_failure(request) -> int:
    data = request.session[PENDING_KEY]
    data["failures"] += 1
    request.session[PENDING_KEY] = data
    if data["failures"] >= MAX_CODE_FAILURES:
        clear(request)
    return data["failures"]


def clear(request) -> None:
    request.session.pop(PENDING_KEY, None)
