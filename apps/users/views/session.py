"""The idle logout, seen coming: a signed-in page warns a minute before the session would end
for want of a request (``static/js/session-timeout.js``). "Stay logged in" renews the session
(``SessionKeepAliveView``) and the customer keeps what they were typing; no answer logs the
page out (``IdleLogoutView``), which the login page then explains.

And the other sessions: the settings page lists where the user is signed in
(apps.users.selectors.signed_in_sessions); ``SessionSignOutView`` ends one of them and
``OtherSessionsSignOutView`` all but this browser's."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from apps.core.api import json_error, json_response

from .. import services
from ..devices import browser_shown, os_shown
from ..links import sessions_path
from ..middleware import IDLE_LOGOUT_MESSAGE
from ..models import SignedInSession
from .common import safe_next


def idle_timeout() -> dict | None:
    """What a signed-in page needs to warn before the idle logout: the seconds after a
    request by which the session may end (the earliest, since an unchanged session is renewed
    at most every SESSION_RENEW_INTERVAL seconds) and how long before that to warn. None when
    sessions do not end for want of requests (no renewal policy: development's settings)."""
    interval = getattr(settings, "SESSION_RENEW_INTERVAL", None)
    if interval is None and not settings.SESSION_SAVE_EVERY_REQUEST:
        return None
    ends_in = settings.SESSION_COOKIE_AGE - (0 if settings.SESSION_SAVE_EVERY_REQUEST else interval)
    warn = min(getattr(settings, "SESSION_IDLE_WARNING_SECONDS", 60), ends_in // 2)
    return {"ends_in": ends_in, "warn": warn}


def dialog_html(*, ends_in: int, warn: int) -> SafeString:
    """The warning's dialog (``_session_timeout.html``) in the active language. It is the same
    on every page, so it is made once per language and figures: rendered on every page, its
    tags cost a signed-in page 0.3–0.45 ms, 4–7% of /accounts/ (bench/RESULTS.md)."""
    return _dialog_html(get_language(), ends_in, warn)


@functools.cache
def _dialog_html(language: str, ends_in: int, warn: int) -> SafeString:
    return render_to_string("_session_timeout.html", {"ends_in": ends_in, "warn": warn})  # a SafeString


@method_decorator([login_not_required, never_cache], name="dispatch")
class SessionKeepAliveView(View):
    """POST (with the CSRF token): the session is saved now, so its idle expiry starts again.
    JSON: ``{"ends_in": seconds}``; 401 JSON when the session has already ended."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.is_authenticated:
            return json_error(_("Your session has ended: log in again."), status=401)
        request.session.modified = True  # apps.core.middleware.SessionMiddleware stamps and saves it
        timeout = idle_timeout()
        return json_response({"ends_in": timeout["ends_in"] if timeout else settings.SESSION_COOKIE_AGE})

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = json_error(_("Method not allowed: use POST."), status=405)
        response["Allow"] = "POST"
        return response


session_keep_alive = SessionKeepAliveView.as_view()
session_keep_alive.is_json_endpoint = True  # its errors (a CSRF failure, a 500) are JSON too


@method_decorator([login_not_required, never_cache], name="dispatch")
class IdleLogoutView(View):
    """POST from a page whose warning went unanswered: log out (if the session has not ended
    already) and go to the login page, which says why and leads back to ``next``."""

    http_method_names = ["post"]

    def post(self, request):
        back = safe_next(request, default=resolve_url(settings.LOGIN_REDIRECT_URL))
        if request.user.is_authenticated:
            logout(request)
        messages.info(request, IDLE_LOGOUT_MESSAGE)
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}")


class SessionSignOutView(View):
    """POST from the settings page's list of where one is signed in: end one other session
    (``pk``, the user's own; another's answers 404). This browser's own line has no button:
    it logs out from the navigation."""

    http_method_names = ["post"]

    def post(self, request, pk):
        row = get_object_or_404(SignedInSession, pk=pk, user=request.user)
        if row.session_key == request.session.session_key:
            messages.info(request, _("That is this browser: use “Log out” to end it."))
            return redirect(sessions_path())
        ended = services.sessions_sign_out(user=request.user, keep_session_key=request.session.session_key,
                                           session_ids=[row.pk])
        if ended:
            messages.success(request, _("Signed out: %(where)s.") % {"where": _where(ended[0])})
        return redirect(sessions_path())


class OtherSessionsSignOutView(View):
    """POST from the settings page: end every session of the user but this browser's."""

    http_method_names = ["post"]

    def post(self, request):
        ended = services.sessions_sign_out(user=request.user, keep_session_key=request.session.session_key)
        if ended:
            messages.success(request, ngettext("Signed out everywhere else: %(count)s other session ended.",
                                               "Signed out everywhere else: %(count)s other sessions ended.",
                                               len(ended)) % {"count": len(ended)})
        else:
            messages.info(request, _("You were not signed in anywhere else."))
        return redirect(sessions_path())



def _where(row) -> str:
    return _("%(browser)s on %(os)s") % {"browser": browser_shown(row.browser), "os": os_shown(row.os)}
