"""The digest part of the notification settings: how often (never, every day, every week), a
"send me one now" button, and the digest's own unsubscribe link. ``section(request)`` is the
context of its block on the settings page (templates notifications/_digest_section.html)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core import formats
from apps.core.forms import add_service_errors

from .digest import (
    DIGEST_TIME,
    digest_frequency,
    digest_preference_save,
    digest_preview_request,
    digest_unsubscribe,
    digest_unsubscribe_request,
)
from .models import DigestFrequency

SAVED = {
    DigestFrequency.OFF: gettext_lazy("The email digest is off."),
    DigestFrequency.DAILY: gettext_lazy("You will get the email digest every day, around %(time)s your time."),
    DigestFrequency.WEEKLY: gettext_lazy("You will get the email digest every Monday, around %(time)s your time."),
}
CHOOSE = gettext_lazy("Choose how often: never, every day or every week.")


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=gettext_lazy("Email digest"), choices=DigestFrequency.choices, widget=forms.RadioSelect,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE})


def _context(request, form: DigestForm) -> dict:
    return {"digest_form": form, "digest_time": f"{DIGEST_TIME:%H:%M}"}


def section(request) -> dict:
    return _context(request, DigestForm(initial={"frequency": digest_frequency(user=request.user)}))


def digest_save(request):
    """Save the choice and go back to the settings page with a message; a refused choice is
    shown on the digest's own page with the error."""
    if request.method != "POST":
        return redirect("notifications:settings")
    form = DigestForm(request.POST)
    if form.is_valid():
        try:
            preference = digest_preference_save(user=request.user, frequency=form.cleaned_data["frequency"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, SAVED[preference.frequency] % {"time": f"{DIGEST_TIME:%H:%M}"})
            return redirect("notifications:settings")
    return render(request, "notifications/digest_settings.html", _context(request, form))


@require_POST
def digest_preview(request):
    digest_preview_request(user=request.user)
    messages.success(request, _("A digest is on its way to %(email)s.") % {"email": request.user.email})
    return redirect("notifications:settings")


# As views.unsubscribe: the signed token is the authority (no login), and the POST is exempt from
# CSRF for mail clients' one-click unsubscribe (RFC 8058); it can only turn the digest off.
@login_not_required
@csrf_exempt
def digest_unsubscribe_view(request, token):
    try:
        if request.method == "POST":
            user = digest_unsubscribe(token=token)
            template = "notifications/digest_unsubscribed.html"
        else:
            user = digest_unsubscribe_request(token=token)
            template = "notifications/digest_unsubscribe_confirm.html"
    except ValidationError as error:
        return render(request, "400.html", {"message": " ".join(error.messages)}, status=400)
    with formats.for_user(user):  # opened from the digest, maybe logged out: in the language of the email
        return render(request, template, {"email": user.email})


urlpatterns = [
    path("digest/", digest_save, name="digest"),
    path("digest/preview/", digest_preview, name="digest_preview"),
    path("digest/unsubscribe/<str:token>/", digest_unsubscribe_view, name="digest_unsubscribe"),
]
