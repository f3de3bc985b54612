"""Several transactions at once from the list: change their category or delete them.

The list's form posts here; the first POST shows what will happen (nothing is written), the
second (``confirm=yes``) calls one atomic service and goes back to the list (``next``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors

from . import services
from .bulk_forms import DELETE, RECATEGORISE, BulkActionForm


def _next_url(request) -> str:
    """``next``: a path on this site (the list with its filters and page), else the list."""
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("transactions:list")


def _heading(action, count: int, category) -> str:
    if action == DELETE:
        return ngettext("Delete %(count)s transaction", "Delete %(count)s transactions", count) % {"count": count}
    if action == RECATEGORISE and category:
        return ngettext("Change the category of %(count)s transaction to %(category)s",
                        "Change the category of %(count)s transactions to %(category)s", count) % {
            "count": count, "category": category.label}
    if action == RECATEGORISE:
        return ngettext("Change the category of %(count)s transaction",
                        "Change the category of %(count)s transactions", count) % {"count": count}
    return _("Check your selection")


def _confirm_page(request, form, next_url):
    """What the action will do, with the selected transactions; a form with errors (or a
    service's refusal) shows them instead of the Confirm button."""
    data = form.cleaned_data
    action, category = data.get("action"), data.get("category")
    return render(request, "transactions/bulk_confirm.html", {
        "form": form, "rows": form.rows, "heading": _heading(action, len(form.rows), category),
        "deleting": action == DELETE, "category": category, "can_confirm": not form.errors,
        "has_transfer": any(row.entry.is_transfer for row in form.rows), "next_url": next_url,
    })


@require_POST
def transactions_bulk(request):
    next_url = _next_url(request)
    form = BulkActionForm(request.POST, user=request.user)
    if not form.is_valid():
        if form.has_error("ids", "required"):
            messages.error(request, _("Select at least one transaction."))
            return redirect(next_url)
        return _confirm_page(request, form, next_url)
    if request.POST.get("confirm") != "yes":
        return _confirm_page(request, form, next_url)
    data = form.cleaned_data
    count = len(form.rows)
    try:
        if data["action"] == DELETE:
            services.entries_delete(user=request.user, transaction_ids=data["ids"])
        else:
            services.entries_recategorise(user=request.user,
                                          changes=[(pk, data["category"], None) for pk in data["ids"]])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _confirm_page(request, form, next_url)
    if data["action"] == DELETE:
        messages.success(request, ngettext("Deleted %(count)s transaction; balances updated.",
                                           "Deleted %(count)s transactions; balances updated.", count)
                         % {"count": count})
    else:
        messages.success(request, ngettext("%(count)s transaction moved to “%(category)s”.",
                                           "%(count)s transactions moved to “%(category)s”.", count)
                         % {"count": count, "category": data["category"].label})
    return redirect(next_url)
