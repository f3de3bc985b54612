from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from apps.alerts.models import AlertKind
from apps.core import formats
from apps.core.forms import add_service_errors

from . import digest_views, push_views, webhook_views
from .channels import CHANNELS
from .forms import PreferencesForm
from .selectors import deliveries_for_user, preference_grid
from .services import preference_unsubscribe, preferences_save, unsubscribe_request


def settings_page(request):
    grid = preference_grid(user=request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                preferences_save(user=request.user, enabled=form.enabled(),
                                 quiet_start=form.cleaned_data["quiet_start"],
                                 quiet_end=form.cleaned_data["quiet_end"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:settings")
        # Show the boxes as they were ticked in the refused form.
        for row in grid["rows"]:
            for cell in row["channels"]:
                cell["enabled"] = bool(request.POST.get(cell["field"]))
    else:
        form = PreferencesForm(initial={"quiet_start": grid["quiet_start"], "quiet_end": grid["quiet_end"]})
    sections = {**push_views.section(request), **webhook_views.section(request), **digest_views.section(request)}
    return render(request, "notifications/settings.html", {"form": form, **grid, **sections})


class DeliveryListView(ListView):
    template_name = "notifications/delivery_list.html"
    context_object_name = "deliveries"
    paginate_by = 25

    def get_queryset(self):
        return deliveries_for_user(user=self.request.user)


def _what(kind, channel) -> dict:
    return {"kind_label": AlertKind(kind).label, "channel_label": CHANNELS[channel].label}


# The signed token is the authority: no login. The POST is exempt from CSRF so that mail
# clients' one-click unsubscribe (RFC 8058: a POST with no page, no cookie) works; turning an
# alert off is all it can do, and only for the user, kind and channel signed in the token.
@login_not_required
@csrf_exempt
def unsubscribe(request, token):
    try:
        if request.method == "POST":
            user, kind, channel = preference_unsubscribe(token=token)
            template = "notifications/unsubscribed.html"
        else:
            user, kind, channel = unsubscribe_request(token=token)
            template = "notifications/unsubscribe_confirm.html"
    except ValidationError as error:
        return render(request, "400.html", {"message": " ".join(error.messages)}, status=400)
    with formats.for_user(user):  # opened from their email, maybe logged out: in the language of the email
        return render(request, template, {"email": user.email, **_what(kind, channel)})


def settings_redirect(request):
    return redirect("notifications:settings")
