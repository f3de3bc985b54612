"""apps.core's middleware (their places in the chain: settings.MIDDLEWARE):

- RequestIdMiddleware: an id per request (X-Request-ID in and out) on every log line,
  and one access line per request;
- HealthCheckMiddleware: /health/ answered before host checks, redirects and sessions;
- DatabaseUnavailableMiddleware: the database down, busy (our timeouts) or read-only
  becomes a 503 page (JSON on JSON paths) with Retry-After, not a 500;
- NoStoreMiddleware: nothing private is kept by a browser or a shared cache;
- SessionMiddleware: Django's, saving an unchanged session at most once a minute (the
  idle expiry's renewal) and tolerating a read-only database when only that would be saved;
- ActionPageMiddleware: an action's address opened as a page (Django's empty 405) gets a
  page that says nothing was done and links to where the action is.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import empty

from . import errors, health
from .db import READ_ONLY, database_failure
from .logging import request_id

access_logger = logging.getLogger("bankdash.request")
session_logger = logging.getLogger("bankdash.session")

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id (from a load balancer or a client) is kept only if it cannot garble a log line.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def known_user_id(request) -> int | None:
    """The signed-in user's id if this request already loaded the user (never queries)."""
    user = getattr(request, "user", None)
    while user is not None and getattr(user, "_wrapped", None) is not None:  # lazy objects, possibly nested
        if user._wrapped is empty:
            return None
        user = user._wrapped
    return getattr(user, "pk", None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if WELL_FORMED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset here: Django logs 4xx/5xx after the middleware; request_finished resets it
        # (apps.core.receivers).
        request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = rid
        self.log(request, response, time.perf_counter() - started)
        return response

    @staticmethod
    def log(request, response, seconds: float) -> None:
        match = getattr(request, "resolver_match", None)
        # The route, not the path: a path can carry a secret (a password reset token).
        route = f"/{match.route}" if match is not None and match.route else request.path
        level = logging.DEBUG if route == "/health/" and response.status_code == 200 else logging.INFO
        access_logger.log(level, "%s %s %s", request.method, route, response.status_code, extra={
            "method": request.method, "route": route, "view": match.view_name if match else None,
            "status": response.status_code, "duration_ms": round(seconds * 1000, 1), "user_id": known_user_id(request),
        })


class HealthCheckMiddleware:
    """Answers the health check (apps.core.health, routed as "health") before anything
    else runs: a load balancer asks over plain HTTP with the instance's address as Host,
    maybe with a cookie, so no HTTPS redirect, no ALLOWED_HOSTS check (the answer uses no
    host), no session or user to load (the database may be what is down)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:
            try:
                self.path = reverse("health")
            except NoReverseMatch:
                self.path = ""
        if self.path and request.path_info == self.path:
            return health.health(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that fails because the database did answers 503. Failures outside a view
    (the session or the user loaded by other middleware) reach handler500, which answers
    the same way (apps.core.errors.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        kind = database_failure(exception)
        if kind is None:
            return None
        return errors.database_failure_response(request, kind, exception)


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response that is someone's: the
    request carries our session or CSRF cookie (a signed-in customer, a login or two-factor
    form), the response sets a cookie, or a user was loaded. Placed after WhiteNoise, so
    static files keep their long cache lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        private = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or settings.CSRF_COOKIE_NAME in request.COOKIES
            or response.cookies
            or known_user_id(request) is not None
        )
        if private and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


# The time of the session's last save (seconds since the epoch), kept in the session itself.
SESSION_RENEWED_KEY = "_bankdash_renewed_at"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, with two changes.

    Renewal at most once a minute: with SESSION_RENEW_INTERVAL (seconds; production: 60)
    and SESSION_SAVE_EVERY_REQUEST off, a request that changed nothing in the session saves
    it (a new expiry, SESSION_COOKIE_AGE from now, and a Set-Cookie) only when its last save
    is at least that old. Saving on every request wrote a row (and, with Redis, the cache)
    on every page view. The idle logout then comes between SESSION_COOKIE_AGE minus the
    interval and SESSION_COOKIE_AGE after the last request (14 to 15 minutes in production),
    never later.

    A read-only database (a standby after failover, maintenance): a save that would only
    renew the expiry is skipped, so signed-in customers can still read. A session that
    really changed still fails (a 503 page)."""

    def process_response(self, request, response):
        renewal_only = self._renew_if_due(request)
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as exc:
            session = getattr(request, "session", None)
            changed = session is not None and session.modified and not renewal_only
            if session is None or changed or database_failure(exc) != READ_ONLY:
                raise
            session_logger.info("session expiry not refreshed: the database is read-only",
                                extra={"event": "session_not_saved"})
            patch_vary_headers(response, ("Cookie",))
            return response

    @staticmethod
    def _renew_if_due(request) -> bool:
        """Stamp the session with the time of this save when it will be saved anyway, or when
        its last save is SESSION_RENEW_INTERVAL old (then this stamp is the only change: True).
        A session this request did not read, an empty one and one being deleted are left alone."""
        interval = getattr(settings, "SESSION_RENEW_INTERVAL", None)
        session = getattr(request, "session", None)
        if interval is None or settings.SESSION_SAVE_EVERY_REQUEST or session is None:
            return False
        if not session.accessed or session.is_empty():
            return False
        now = int(time.time())
        if session.modified:
            session[SESSION_RENEWED_KEY] = now
            return False
        last = session.get(SESSION_RENEWED_KEY)
        if isinstance(last, int) and 0 <= now - last < interval:
            return False
        session[SESSION_RENEWED_KEY] = now
        return True


class ActionPageMiddleware:
    """An action's address (pay a bill, pause it, sign out: views that take only a form's
    POST) opened as a page answers Django's 405 with an empty body, which a browser shows
    as its own "This page isn't working". People get there by signing in again after the
    idle sign-out (the login page's ``?next=`` is the action they had clicked), by a
    bookmark or by typing the address. They get the branded 405 page instead: nothing was
    done, and a link to the page the action belongs to (and, for signing out, its button).
    The Allow header is kept; JSON paths keep their JSON 405 (apps.core.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code != 405 or request.method not in ("GET", "HEAD")
                or getattr(response, "streaming", False) or response.content or errors.wants_json(request)):
            return response
        page = errors.action_page(request, back=page_above(request.path_info))
        page["Allow"] = response.get("Allow", "POST")
        return page


def page_above(path: str) -> str:
    """The nearest address above ``path`` that is one of our pages: /bills/7/pause/ ->
    /bills/7/, /rules/3/move/ -> /rules/, /logout/ -> /."""
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        candidate = "/" + "".join(f"{part}/" for part in parts)
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"
