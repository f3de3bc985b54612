"""Brute-force lockout (django-axes) with one limit per account and another per address.

django-axes compares every lockout parameter with the same AXES_FAILURE_LIMIT, so one
person's five typos locked their whole office's IP address. Here the account locks after
AXES_FAILURE_LIMIT failures (from any address) and the address after
LOCKOUT_IP_FAILURE_LIMIT failures (on any accounts), a higher figure: many people share
an office's or a mobile carrier's address. A failure is a wrong password or a wrong
second-factor code, counted against the account that gave it (apps.users.services).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

ACCOUNT = "account"
ADDRESS = "address"


def failure_limits() -> dict[str, int]:
    return {ACCOUNT: settings.AXES_FAILURE_LIMIT, ADDRESS: settings.LOCKOUT_IP_FAILURE_LIMIT}


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: the database handler, each lockout parameter against its own limit."""

    def failures(self, request, credentials=None) -> dict[str, int]:
        """Failures in the cool-off window on the attempt's account (its normal email, from
        any address) and from its address (on any account)."""
        username = get_client_username(request, credentials)
        ip_address = request.axes_ip_address
        recent = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))

        def total(rows):
            return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0

        return {ACCOUNT: total(recent.filter(username=username)) if username else 0,
                ADDRESS: total(recent.filter(ip_address=ip_address)) if ip_address else 0}

    def locked(self, request, credentials=None) -> str | None:
        """ACCOUNT or ADDRESS when that one has reached its limit (the account first), else None."""
        limits = failure_limits()
        counts = self.failures(request, credentials)
        return next((scope for scope in (ACCOUNT, ADDRESS) if counts[scope] >= limits[scope]), None)

    def is_locked(self, request, credentials=None) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.locked(request, credentials) is not None

    def get_failures(self, request, credentials=None) -> int:
        # What django-axes compares with AXES_FAILURE_LIMIT after recording a failure: the
        # account's count. The address's own limit is checked in user_login_failed.
        return self.failures(request, credentials)[ACCOUNT]

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if self.locked(request, credentials) == ADDRESS:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=get_client_username(request, credentials),
                                 ip_address=request.axes_ip_address)


def lock_scope(request) -> str | None:
    """What a lock django-axes just reported (``user_locked_out``) holds: ACCOUNT or ADDRESS."""
    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.get_implementation().locked(request, getattr(request, "axes_credentials", None))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying what is locked. An address's lock
    names no account: the person reading it may not be the one who failed."""
    AxesProxyHandler.update_request(request)
    scope = AxesProxyHandler.get_implementation().locked(request, credentials) or ACCOUNT
    context = {
        "scope": scope,
        "failure_limit": failure_limits()[scope],
        "username": (get_client_username(request, credentials) or "") if scope == ACCOUNT else "",
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
