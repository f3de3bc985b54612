"""What the JSON endpoints share: Decimal-exact responses, JSON errors, and a 401 in
JSON (not a redirect to the login page) for a visitor who is not logged in."""

from __future__ import annotations

from functools import wraps

import simplejson
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def json_response(data, *, status: int = 200) -> HttpResponse:
    # simplejson writes Decimal as a JSON number digit for digit (4500.10 stays 4500.10);
    # the standard json module would go through float.
    return HttpResponse(simplejson.dumps(data, use_decimal=True), status=status, content_type="application/json")


def json_error(message: str, *, status: int) -> HttpResponse:
    return json_response({"error": message}, status=status)


def json_endpoint(view):
    """GET/HEAD only (405 JSON otherwise), 401 JSON when logged out, never cached. Marked
    ``is_json_endpoint``, so its errors (404, 500, 503) are JSON too (apps.core.errors)."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = json_error(_("Method not allowed: use GET."), status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if not request.user.is_authenticated:
            return json_error(_("Authentication required: log in first."), status=401)
        return view(request, *args, **kwargs)

    wrapper.is_json_endpoint = True
    return wrapper
