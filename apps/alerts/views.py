from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from .models import Alert
from .selectors import alerts_for_user
from .services import alert_mark_all_read, alert_mark_read


class AlertListView(ListView):
    template_name = "alerts/alert_list.html"
    context_object_name = "alerts"
    paginate_by = 20

    def get_queryset(self):
        return alerts_for_user(user=self.request.user)


@require_POST
def alert_read(request, pk):
    alert = get_object_or_404(Alert, pk=pk, owner=request.user)
    if alert_mark_read(user=request.user, alert_id=alert.pk):
        messages.success(request, _("Alert marked as read."))
    else:
        messages.info(request, _("That alert was already read."))
    return redirect(_back(request))


@require_POST
def alert_read_all(request):
    count = alert_mark_all_read(user=request.user)
    if count:
        messages.success(request, ngettext("Marked %(count)d alert as read.", "Marked %(count)d alerts as read.",
                                            count) % {"count": count})
    else:
        messages.info(request, _("You have no unread alerts."))
    return redirect("alerts:list")


def _back(request):
    """Back to the page of the list the user was on (only a page number is taken from the form)."""
    page = request.POST.get("page", "")
    url = reverse("alerts:list")
    return f"{url}?page={page}" if page.isdigit() else url
