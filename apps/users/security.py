"""Who is knocking: the client's IP and the account a login attempt names.

Used by django-axes (AXES_CLIENT_IP_CALLABLE, AXES_USERNAME_CALLABLE), by the
password reset throttle and by the audit trail, so all of them agree.
"""

from django.conf import settings

from .models import UserManager


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind our own proxies (BEHIND_PROXY) the address the first of
    them saw: X-Forwarded-For entries left of those are client-supplied and untrusted."""
    if settings.BEHIND_PROXY:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR") or None


def axes_username(request, credentials) -> str | None:
    """The attempted login email, normalised like the login itself (case-insensitive),
    so 'Dana@x' and 'dana@x' count against the same account."""
    if credentials and credentials.get("username") is not None:
        raw = credentials["username"]
    else:
        raw = request.POST.get("username") if request is not None else None
    return UserManager.normalize_email(raw) if raw is not None else None
