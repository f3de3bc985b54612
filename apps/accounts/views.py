"""Account pages that need no ledger: the list, editing the name and number, closing.
Every query is scoped to the logged-in user: another user's account answers 404.
Opening an account (its opening balance is a ledger entry) and an account's page with
its entries live in apps.transactions.account_views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.core.forms import add_service_errors

from . import selectors, services
from .forms import AccountUpdateForm
from .models import Account

FORM_ERROR = "Please correct the errors below."


def account_list(request):
    page = Paginator(selectors.account_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {
        "page_obj": page,
        "totals": selectors.account_totals_by_currency(user=request.user),
    })


@require_http_methods(["GET", "POST"])
def account_update(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    form = AccountUpdateForm(request.POST or None, initial={
        "name": account.name, "institution": account.institution, "account_number": account.number_last4,
        "forecast_buffer": account.forecast_buffer,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_update(
                user=request.user, account_id=account.pk, name=data["name"], institution=data["institution"],
                number_last4=data["account_number"], forecast_buffer=data["forecast_buffer"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"number_last4": "account_number"})
        else:
            messages.success(request, f"Account “{account.name}” saved.")
            return redirect("accounts:detail", pk=account.pk)
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "form_page.html", {
        "form": form, "title": f"Edit “{account.name}”",
        "cancel_url": reverse("accounts:detail", kwargs={"pk": account.pk}),
    })


@require_http_methods(["GET", "POST"])
def account_close(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    error = None
    if request.method == "POST":
        try:
            account = services.account_close(user=request.user, account_id=account.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            messages.error(request, error)
            account.refresh_from_db()
        else:
            messages.success(request, f"Account “{account.name}” closed.")
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_confirm_close.html", {"account": account, "error": error})
