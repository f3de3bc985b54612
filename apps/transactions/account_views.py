"""The account pages that need the ledger: opening an account (its opening balance is a
ledger entry) and an account's page with its entries. They sit here, above accounts, so
that accounts never imports the ledger; bankdash/urls.py serves them in the "accounts"
namespace beside apps.accounts.urls."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.accounts.forms import AccountCreateForm
from apps.accounts.models import Account
from apps.core import formats
from apps.core.dates import user_today
from apps.core.forms import add_service_errors
from apps.core.money import format_money

from . import export_views, extensions, selectors, services
from .forms import BalanceCheckForm
from .pagination import CappedPaginator

PAGE_SIZE = 25
FORM_ERROR = gettext_lazy("Please correct the errors below.")


def _next_url(request) -> str:
    """``?next=``: a path on this site without a query (the money form that sent the customer
    here, apps.transactions.views); anything else is ignored."""
    candidate = request.GET.get("next", "")
    if candidate.startswith("/") and "?" not in candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return ""


@require_http_methods(["GET", "POST"])
def account_create(request):
    next_url = _next_url(request)
    form = AccountCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_open(
                user=request.user, name=data["name"], kind=data["kind"], currency=data["currency"],
                institution=data["institution"], number_last4=data["account_number"],
                credit_limit=data["credit_limit"], opened_on=data["opened_on"],
                opening_balance=data["opening_balance"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"amount": "opening_balance", "number_last4": "account_number"})
        else:
            messages.success(request, _("Account “%(name)s” opened with %(balance)s.") % {
                "name": account.name, "balance": format_money(account.balance, account.currency)})
            if next_url:  # the form that sent the customer here, now with the new account chosen
                return redirect(f"{next_url}?{urlencode({'account': account.pk})}")
            return redirect("accounts:detail", pk=account.pk)
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "form_page.html", {
        "form": form, "title": _("Open an account"), "submit_label": _("Open account"),
        "cancel_url": next_url or reverse("accounts:list"),
    })


def balance_chart_data(account, history) -> dict:
    """What static/transactions/account_balance.js draws: month-end balances as exact decimal
    strings (the table beside the chart holds the same figures), written in the customer's format
    (``locale``) with the unit the page puts after them (``unit``)."""
    return {"canvas": "chart-balance", "currency": account.currency, "locale": formats.current_code(),
            "unit": formats.currency_unit(account.currency),
            "labels": [formats.format_month_short(point.month) for point in history],
            "values": [str(point.balance) for point in history]}


def account_detail(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    entries = selectors.transaction_list(user=request.user).filter(account=account)
    # The count stops at a cap, as on the transactions list; each line has the balance after it.
    page = CappedPaginator(entries, PAGE_SIZE, read_rows=selectors.entries_by_ids).get_page(request.GET.get("page"))
    rows = selectors.list_rows(page.object_list, one_line_transfers=False, running_balance_of=account)
    today = user_today(request.user)
    history = selectors.account_balance_history(account=account, today=today)
    check_form = BalanceCheckForm(request.GET if "check-bank_balance" in request.GET else None, account=account,
                                  today=today, prefix="check", initial={"on": today})
    check = (selectors.balance_check(account=account, day=check_form.cleaned_data["on"],
                                     bank_balance=check_form.cleaned_data["bank_balance"])
             if check_form.is_bound and check_form.is_valid() else None)
    # Entries on or before the day the customer last found the balance agreeing may have changed since.
    checked_now = (selectors.balance_at_end_of(account=account, day=account.checked_on)
                   if account.checked_on is not None else None)
    return render(request, "transactions/account_detail.html", {
        "account": account, "page_obj": page, "rows": rows, "running_balance": True, "balance_history": history,
        "balance_chart": balance_chart_data(account, history),
        # Sections from the apps above the ledger (the forecast): apps.transactions.extensions.
        "sections": extensions.account_sections(request, account),
        "statement_month": export_views.default_statement_month(request.user),
        "check_form": check_form, "check": check, "checked_now": checked_now,
        # A closed account saves nothing more: its goal (kept, should it reopen) is not shown.
        "goal": None if account.is_closed else selectors.goal_outlook(account=account, today=today),
    }, status=400 if check_form.errors else 200)


@require_http_methods(["POST"])
def account_checked(request, pk):
    """Remember that the account agrees with the bank at the end of a day (the comparison's
    button). Refused, the comparison is shown again with what was sent and why."""
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    form = BalanceCheckForm(request.POST, account=account, today=user_today(request.user), prefix="check")
    problem = ""
    if form.is_valid():
        try:
            services.account_mark_checked(user=request.user, account_id=account.pk, day=form.cleaned_data["on"],
                                          bank_balance=form.cleaned_data["bank_balance"])
        except ValidationError as error:
            problem = " ".join(error.messages)
    else:
        problem = " ".join(message for messages_ in form.errors.values() for message in messages_)
    url = reverse("accounts:detail", args=[account.pk])
    if problem:
        messages.error(request, problem)
        query = urlencode({name: request.POST.get(name, "")[:100] for name in ("check-on", "check-bank_balance")})
        return redirect(f"{url}?{query}#balance-check-heading")
    messages.success(request, _("“%(account)s” is marked as agreeing with your bank at the end of %(day)s.") % {
        "account": account.name, "day": formats.format_day(form.cleaned_data["on"])})
    return redirect(url)


# Served under /accounts/ in the "accounts" namespace (bankdash/urls.py).
urlpatterns = [
    path("new/", account_create, name="create"),
    path("<int:pk>/", account_detail, name="detail"),
    path("<int:pk>/checked/", account_checked, name="checked"),
    path("<int:pk>/export.csv", export_views.account_csv, name="export_csv"),
    path("<int:pk>/statement/", export_views.statement_redirect, name="statement_redirect"),
    # /accounts/7/statement/2025-11.pdf (two int converters: the ownership enumeration test fills year and month)
    path("<int:pk>/statement/<int:year>-<int:month>.pdf", export_views.account_statement_pdf, name="statement"),
]
