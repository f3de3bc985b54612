"""The webhook part of the notification settings: the webhooks page (list, add, delete with a
confirmation, turn back on, send a test, show the signing secret), and ``section(request)``,
the context of its block on the settings page (notifications/_webhook_section.html).

Views validate a form, call one service (apps.notifications.webhooks) and redirect; every
webhook is looked up among the logged-in user's own, so another customer's id answers 404.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.forms import add_service_errors

from . import webhooks
from .models import Webhook

# The webhook whose secret the list shows once (just added, or asked for): its id, never the secret.
REVEAL_SESSION_KEY = "notifications_webhook_reveal"


class WebhookForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("Receiver address"), max_length=webhooks.URL_MAX_LENGTH,
                         assume_scheme="https",
                         error_messages={
                             "required": gettext_lazy("Enter the address of your receiver."),
                             "invalid": gettext_lazy("Enter a full web address, for example "
                                                     "https://example.com/bankdash.")},
                         widget=forms.URLInput(attrs={"placeholder": "https://example.com/bankdash",
                                                      "autocomplete": "url", "spellcheck": "false",
                                                      "inputmode": "url"}))


def _own(request, pk) -> Webhook:
    return get_object_or_404(Webhook, pk=pk, owner=request.user)


@require_http_methods(["GET", "POST"])
def webhook_list(request):
    """The list, and the add form (it posts here, so a refused address is shown with its error
    in the form as typed)."""
    form = WebhookForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                webhook = webhooks.webhook_add(user=request.user, url=form.cleaned_data["url"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session[REVEAL_SESSION_KEY] = webhook.pk
                messages.success(request, _("Webhook added. Copy its signing secret now: your receiver needs it to "
                                            "check that alerts come from BankDash."))
                return redirect("notifications:webhooks")
        messages.error(request, _("The webhook was not added: see why below."))
    reveal = request.session.pop(REVEAL_SESSION_KEY, None)
    items = list(webhooks.webhooks_for_user(user=request.user))
    return render(request, "notifications/webhook_list.html", {
        "webhooks": items, "form": form, "reveal_id": reveal,
        "max_webhooks": webhooks.MAX_WEBHOOKS_PER_USER, "can_add": len(items) < webhooks.MAX_WEBHOOKS_PER_USER,
        "max_failures": settings.WEBHOOK_MAX_FAILURES,
    })


@require_POST
def webhook_secret(request, pk):
    """Show the signing secret of one webhook (a POST: it is not in a URL, history or logs)."""
    webhook = _own(request, pk)
    request.session[REVEAL_SESSION_KEY] = webhook.pk
    return redirect(f"{_list_url()}#webhook-{webhook.pk}")


@require_http_methods(["GET", "POST"])
def webhook_delete(request, pk):
    webhook = _own(request, pk)
    if request.method == "POST":
        try:
            webhooks.webhook_delete(user=request.user, webhook_id=webhook.pk)
        except Webhook.DoesNotExist:
            raise Http404("No such webhook.") from None  # deleted meanwhile (another tab)
        messages.success(request, _("Webhook to %(url)s deleted. Nothing more is sent there.") % {"url": webhook.url})
        return redirect("notifications:webhooks")
    return render(request, "notifications/webhook_confirm_delete.html", {"webhook": webhook})


@require_POST
def webhook_reactivate(request, pk):
    webhook = _own(request, pk)
    try:
        webhooks.webhook_reactivate(user=request.user, webhook_id=webhook.pk)
    except Webhook.DoesNotExist:
        raise Http404("No such webhook.") from None
    messages.success(request, _("Webhook to %(url)s turned back on: your next alerts go to it.") % {"url": webhook.url})
    return redirect("notifications:webhooks")


@require_POST
def webhook_test(request, pk):
    webhook = _own(request, pk)
    try:
        result = webhooks.webhook_send_test(user=request.user, webhook_id=webhook.pk)
    except Webhook.DoesNotExist:
        raise Http404("No such webhook.") from None
    if result.ok:
        messages.success(request, _("Test event sent to %(url)s: your receiver %(detail)s.") % {
            "url": webhook.url, "detail": result.detail})
    else:
        messages.error(request, _("The test event to %(url)s failed: %(detail)s.") % {
            "url": webhook.url, "detail": result.detail.rstrip(".")})
    return redirect(f"{_list_url()}#webhook-{webhook.pk}")


def _list_url() -> str:
    return reverse("notifications:webhooks")


urlpatterns = [
    path("webhooks/", webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/secret/", webhook_secret, name="webhook_secret"),
    path("webhooks/<int:pk>/delete/", webhook_delete, name="webhook_delete"),
    path("webhooks/<int:pk>/reactivate/", webhook_reactivate, name="webhook_reactivate"),
    path("webhooks/<int:pk>/test/", webhook_test, name="webhook_test"),
]


def section(request) -> dict:
    """The settings page's one line on webhooks (one query)."""
    return {"webhook_summary": webhooks.webhook_summary(user=request.user)}
