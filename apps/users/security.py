"""Who is knocking: the client's IP and the account a login attempt names.

Used by django-axes (AXES_CLIENT_IP_CALLABLE, AXES_USERNAME_CALLABLE), by the
throttles (password reset, registration) and by the audit trail, so all of them agree.
"""

import ipaddress

from django.conf import settings

from .models import UserManager


def parse_ip(value: str | None) -> str | None:
    """The address in one X-Forwarded-For entry or REMOTE_ADDR, in its canonical text, or
    None when it is not one: "1.2.3.4", "1.2.3.4:5678", "2001:db8::1", "[2001:db8::1]:443"
    (a port and brackets dropped, an IPv6 zone too); "unknown", an obfuscated name
    ("_hidden") or garbage give None."""
    text = (value or "").strip().strip('"')
    if text.startswith("["):  # [IPv6] or [IPv6]:port
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4:port (a bare IPv6 address has two colons or more)
        text = text.partition(":")[0]
    text = text.partition("%")[0]  # fe80::1%eth0: PostgreSQL's inet has no zone
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind our own proxies (BEHIND_PROXY) the address the first of
    them saw: X-Forwarded-For entries left of those are client-supplied and untrusted.
    An entry that is not an address (a proxy wrote "unknown") falls back to REMOTE_ADDR."""
    peer = parse_ip(request.META.get("REMOTE_ADDR"))
    if settings.BEHIND_PROXY:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return parse_ip(hops[-settings.TRUSTED_PROXY_COUNT]) or peer
    return peer


def axes_username(request, credentials) -> str | None:
    """The attempted login email in its normal form (UserManager.normalize_email), the one
    the login looks up exactly: every spelling that reaches an account counts against it."""
    if credentials and credentials.get("username") is not None:
        raw = credentials["username"]
    else:
        raw = request.POST.get("username") if request is not None else None
    return UserManager.normalize_email(raw) if raw is not None else None
