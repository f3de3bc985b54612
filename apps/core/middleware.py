"""apps.core's middleware (their places in the chain: settings.MIDDLEWARE):

- RequestIdMiddleware: an id per request (X-Request-ID in and out) on every log line,
  and one access line per request;
- HealthCheckMiddleware: /health/ answered before host checks, redirects and sessions;
- DatabaseUnavailableMiddleware: the database down, busy (our timeouts) or read-only
  becomes a 503 page (JSON on JSON paths) with Retry-After, not a 500;
- NoStoreMiddleware: nothing private is kept by a browser or a shared cache;
- SessionMiddleware: Django's, except that a read-only database does not break reading.
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
from django.urls import NoReverseMatch, reverse
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


class SessionMiddleware(DjangoSessionMiddleware):
    """With SESSION_SAVE_EVERY_REQUEST (production: the idle timeout), every page saves the
    session; on a read-only database that save fails and Django answers 400. Here a save
    that only refreshes the expiry is skipped while the database is read-only, so signed-in
    customers can still read. A session that really changed still fails (a 503 page)."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as exc:
            session = getattr(request, "session", None)
            if session is None or session.modified or database_failure(exc) != READ_ONLY:
                raise
            session_logger.info("session expiry not refreshed: the database is read-only",
                                extra={"event": "session_not_saved"})
            patch_vary_headers(response, ("Cookie",))
            return response
