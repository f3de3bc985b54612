"""Account pages. Every query is scoped to the logged-in user: another user's account
answers 404. Opening an account goes through the ledger (its opening balance is an
entry), so these views call apps.transactions.services for that one write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.transactions import services as ledger
from apps.transactions.selectors import transaction_list

from . import selectors, services
from .forms import AccountCreateForm, AccountUpdateForm, add_service_errors
from .models import Account

PAGE_SIZE = 25
FORM_ERROR = "Please correct the errors below."


def account_list(request):
    page = Paginator(selectors.account_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {
        "page_obj": page,
        "totals": selectors.account_totals_by_currency(user=request.user),
    })


@require_http_methods(["GET", "POST"])
def account_create(request):
    form = AccountCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = ledger.account_open(
                user=request.user, name=data["name"], kind=data["kind"], currency=data["currency"],
                institution=data["institution"], number_last4=data["account_number"],
                credit_limit=data["credit_limit"], opened_on=data["opened_on"],
                opening_balance=data["opening_balance"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"amount": "opening_balance", "number_last4": "account_number"})
        else:
            messages.success(request,
                             f"Account “{account.name}” opened with {account.balance:,.2f} {account.currency}.")
            return redirect("accounts:detail", pk=account.pk)
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "form_page.html", {
        "form": form, "title": "Open an account", "submit_label": "Open account",
        "cancel_url": reverse("accounts:list"),
    })


def account_detail(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    entries = transaction_list(user=request.user).filter(account=account)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/account_detail.html", {"account": account, "page_obj": page})


@require_http_methods(["GET", "POST"])
def account_update(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    form = AccountUpdateForm(request.POST or None, initial={
        "name": account.name, "institution": account.institution, "account_number": account.number_last4,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_update(
                user=request.user, account_id=account.pk, name=data["name"], institution=data["institution"],
                number_last4=data["account_number"],
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
