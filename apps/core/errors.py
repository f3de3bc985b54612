"""Error responses: the branded pages (templates/<status>.html, in the base layout) and,
on JSON paths, JSON errors. Also the views bankdash/urls.py names as handler400/403/404/500,
and settings.CSRF_FAILURE_VIEW.

The pages are rendered without the request: no context processor runs, so an error page
never queries the database (it may be the database that failed) and never touches the
session.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy

from .api import json_response
from .db import BUSY, READ_ONLY, UNAVAILABLE, database_failure, sqlstate_of

logger = logging.getLogger("bankdash.errors")

# Seconds a client should wait before trying again (the Retry-After header).
RETRY_AFTER = {UNAVAILABLE: 30, BUSY: 5, READ_ONLY: 120}

DATABASE_MESSAGES = {
    UNAVAILABLE: (gettext_lazy("BankDash is briefly unavailable"),
                  gettext_lazy("We cannot reach our database right now. Your money is safe. Please try again in a "
                               "minute.")),
    BUSY: (gettext_lazy("BankDash is busy"),
           gettext_lazy("That took too long because BankDash is very busy, so we stopped it: nothing was changed. "
                        "Please try again in a few seconds.")),
}
MAINTENANCE = gettext_lazy("We are doing maintenance")
READ_ONLY_MESSAGES = {
    "sign_in": gettext_lazy("Signing in is paused while we do maintenance. If you are already signed in, you can "
                            "still see your accounts and balances. Please try again later."),
    "post": gettext_lazy("Posting is paused while we do maintenance: nothing was changed and your money is safe. "
                         "You can still see your accounts and balances. Please try again later."),
    "page": gettext_lazy("This page needs to save something, and saving is paused while we do maintenance. "
                         "Your money is safe. Please try again later."),
}


def wants_json(request) -> bool:
    """JSON paths: views made with apps.core.api.json_endpoint, paths under
    settings.JSON_PATH_PREFIXES, and clients that ask for JSON and not for HTML."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "is_json_endpoint", False):
        return True
    if any(request.path_info.startswith(prefix) for prefix in getattr(settings, "JSON_PATH_PREFIXES", ())):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request, status: int, *, title: str = "", message: str = "", retry_after: int | None = None,
                   template: str | None = None, **context) -> HttpResponse:
    """The branded page (or JSON on a JSON path) for ``status``: templates/<status>.html
    says what happened unless ``message`` does."""
    if wants_json(request):
        body = {"error": str(message or title or _json_message(status))}
        if retry_after:
            body["retry_after"] = retry_after
        response = json_response(body, status=status)
    else:
        response = HttpResponse(_render(template or f"{status}.html", status, title=title, message=message,
                                        retry_after=retry_after, **context), status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    if status >= 500 or status == 429:
        add_never_cache_headers(response)  # a shared cache must not keep serving the outage
    return response


def _render(template: str, status: int, **context) -> str:
    try:
        return loader.render_to_string(template, {"status": status, **context})
    except Exception:
        # The page itself failed (a missing static file in the manifest, a broken template):
        # still answer, in plain words.
        logger.exception("error page %s could not be rendered", template)
        return f"<!doctype html><title>BankDash</title><h1>{_json_message(status)}</h1><p><a href=\"/\">BankDash</a>"


def _json_message(status: int) -> str:
    return {400: "Bad request.", 403: "You do not have access to this.", 404: "Not found.",
            405: "Method not allowed.",
            429: "Too many requests: wait and try again.", 500: "Something went wrong on our side.",
            503: "Service unavailable: try again later."}.get(status, "Error.")


def _signed_in(request) -> bool:
    try:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
    except DatabaseError:
        return False


def database_failure_response(request, kind: str, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: the database is unreachable, busy (a timeout), or read-only."""
    logger.warning("database %s: %s", kind, type(exc).__name__ if exc else "-",
                   extra={"event": "database_failure", "kind": kind, "sqlstate": sqlstate_of(exc),
                          "method": request.method})
    if kind == READ_ONLY:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            reason = "post" if _signed_in(request) else "sign_in"
        else:
            reason = "page"
        return error_response(request, 503, title=MAINTENANCE, message=READ_ONLY_MESSAGES[reason],
                              retry_after=RETRY_AFTER[kind])
    title, message = DATABASE_MESSAGES[kind]
    return error_response(request, 503, title=title, message=message, retry_after=RETRY_AFTER[kind])


def action_page(request, *, back: str) -> HttpResponse:
    """405 for an action's address opened as a page (apps.core.middleware.ActionPageMiddleware).
    Logging out gets its button here, with a CSRF token like every form's."""
    signing_out = getattr(getattr(request, "resolver_match", None), "url_name", None) == "logout"
    return error_response(request, 405, back=back, signing_out=signing_out,
                          csrf_token=get_token(request) if signing_out else "")


def too_many_requests(request, *, message: str = "", retry_after: int = 60) -> HttpResponse:
    """429 for a throttle (django-axes' lockout has its own page)."""
    return error_response(request, 429, message=message, retry_after=retry_after)


# ---------------------------------------------------------------------------
# The handlers (bankdash/urls.py)
# ---------------------------------------------------------------------------

def bad_request(request, exception=None):
    # A session save that failed because the database did (SessionInterrupted) is not the client's fault.
    kind = database_failure(exception)
    if kind is not None:
        return database_failure_response(request, kind, exception)
    return error_response(request, 400)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a form posted without its token (expired, another site)."""
    logger.info("CSRF check failed: %s", reason, extra={"event": "csrf_failure"})
    if wants_json(request):
        return error_response(request, 403, message="CSRF verification failed: send the CSRF token.")
    return error_response(request, 403, template="403_csrf.html")


def permission_denied(request, exception=None):
    return error_response(request, 403)


def page_not_found(request, exception=None):
    return error_response(request, 404)


def server_error(request):
    """handler500: also reached by exceptions raised in middleware (loading the session or
    the user, saving the session), which DatabaseUnavailableMiddleware does not see."""
    exc = sys.exc_info()[1]
    kind = database_failure(exc)
    if kind is not None:
        return database_failure_response(request, kind, exc)
    return error_response(request, 500)
