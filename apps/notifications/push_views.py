"""The push part of the notification settings: the JSON endpoints the page's script calls to
register or forget this browser (static/js/push.js), the confirmation to remove a browser from
the list, the service worker served from our origin, and ``section(request)``, the context of
the "Browser push" card (templates notifications/_push_section.html)."""

from __future__ import annotations

import json
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.api import json_error, json_response

from .push import browser_name, push_subscription_remove, push_subscription_save, push_subscriptions_for, vapid_keys

SERVICE_WORKER_SOURCE = "js/push-sw.js"


def json_post(view):
    """POST with a JSON object body (405/400 JSON otherwise), 401 JSON when logged out; the
    CSRF token goes in the X-CSRFToken header. Marked ``is_json_endpoint``, so a refused CSRF
    token and other errors answer JSON too (apps.core.errors). The view gets the parsed body."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            response = json_error(_("Method not allowed: use POST."), status=405)
            response["Allow"] = "POST"
            return response
        if not request.user.is_authenticated:
            return json_error(_("Authentication required: log in first."), status=401)
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return json_error(_("Send a JSON object."), status=400)
        if not isinstance(body, dict):
            return json_error(_("Send a JSON object."), status=400)
        return view(request, body, *args, **kwargs)

    wrapper.is_json_endpoint = True
    return wrapper


def _validation_error(error: ValidationError):
    fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return json_response({"error": " ".join(error.messages), "fields": fields}, status=400)


@json_post
def subscribe(request, body):
    """Keep this browser's subscription: {"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}},
    as PushSubscription.toJSON() gives it. 201 with the browser's id."""
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    try:
        subscription = push_subscription_save(
            user=request.user, endpoint=body.get("endpoint"), p256dh=keys.get("p256dh"), auth=keys.get("auth"),
            user_agent=request.headers.get("User-Agent", ""))
    except ValidationError as error:
        return _validation_error(error)
    message = _("Push notifications are on in %(browser)s.") % {"browser": browser_name(subscription.user_agent)}
    messages.success(request, message)  # shown when the page reloads
    return json_response({"id": subscription.pk, "message": message}, status=201)


@json_post
def unsubscribe(request, body):
    """Forget this browser ({"endpoint": ...}), when it turns push off. 404 if it is not one of
    the user's browsers."""
    endpoint = body.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        return json_error(_("Give the endpoint of the browser's subscription."), status=400)
    if not push_subscription_remove(user=request.user, endpoint=endpoint):
        return json_error(_("Not found: this browser is not in your list."), status=404)
    message = _("Push notifications are off in this browser.")
    messages.success(request, message)
    return json_response({"message": message})


@require_http_methods(["GET", "POST"])
def remove(request, pk):
    """A browser in the list: a confirmation page, then the POST that removes it."""
    subscription = get_object_or_404(push_subscriptions_for(user=request.user), pk=pk)
    name = browser_name(subscription.user_agent)
    if request.method == "POST":
        if not push_subscription_remove(user=request.user, subscription_id=subscription.pk):
            raise Http404  # removed meanwhile (another tab)
        messages.success(request, _("%(browser)s no longer gets push notifications.") % {"browser": name})
        return redirect("notifications:settings")
    return render(request, "notifications/push_confirm_remove.html", {"subscription": subscription, "name": name})


# Public and not cached by the browser's HTTP cache: the browser fetches it again to look for
# updates, also when nobody is logged in. Served here, not from STATIC_URL, because a service
# worker must come from the page's own origin (STATIC_URL may be a CDN) and its URL must not
# change with each release (the manifest's hashed names would).
@login_not_required
@require_safe
def service_worker(request):
    source = finders.find(SERVICE_WORKER_SOURCE)
    if source is None:
        raise Http404
    response = HttpResponse(Path(source).read_bytes(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("push/subscribe/", subscribe, name="push_subscribe"),
    path("push/unsubscribe/", unsubscribe, name="push_unsubscribe"),
    path("push/<int:pk>/remove/", remove, name="push_remove"),
    # Its scope is its folder, /notifications/push/: it receives pushes and controls no page.
    path("push/service-worker.js", service_worker, name="push_service_worker"),
]


def section(request) -> dict:
    keys = vapid_keys()
    worker_url = reverse("notifications:push_service_worker")
    browsers = [{"subscription": s, "name": browser_name(s.user_agent)}
                for s in push_subscriptions_for(user=request.user)] if keys else []
    return {"push_available": keys is not None, "push_public_key": keys.public_key if keys else "",
            "push_browsers": browsers, "push_service_worker_url": worker_url,
            "push_scope": worker_url.rsplit("/", 1)[0] + "/"}
