"""Account pages that need no ledger: the list, editing the name and number, closing.
Every query is scoped to the logged-in user: another user's account answers 404.
Opening an account (its opening balance is a ledger entry) and an account's page with
its entries live in apps.transactions.account_views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from apps.core.dates import user_today
from apps.core.forms import add_service_errors
from apps.core.money import format_money
from apps.core.pagecache import cached_page

from . import selectors, services
from .forms import AccountUpdateForm, CreditLimitForm, GoalForm
from .models import Account

# A context of its own: django_otp's catalogue (loaded first) has an informal German for the bare msgid.
FORM_ERROR = pgettext_lazy("form", "Please correct the errors below.")


@cached_page
def account_list(request):
    """The user's accounts; ``?archived=1`` lists the archived ones instead."""
    archived = request.GET.get("archived") == "1"
    page = Paginator(selectors.account_list(user=request.user, archived=archived), 50).get_page(
        request.GET.get("page"))
    return render(request, "accounts/account_list.html", {
        "page_obj": page, "archived": archived,
        "archived_count": 0 if archived else selectors.archived_count(user=request.user),
        "totals": [] if archived else selectors.account_totals_by_currency(user=request.user),
    })


@require_http_methods(["GET", "POST"])
def account_update(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    form = AccountUpdateForm(request.POST or None, initial={
        "name": account.name, "institution": account.institution, "account_number": account.number_last4,
        "forecast_buffer": account.forecast_buffer, "low_balance_alert_below": account.low_balance_alert_below,
        "large_transaction_alert_above": account.large_transaction_alert_above,
    }, currency=account.currency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_update(
                user=request.user, account_id=account.pk, name=data["name"], institution=data["institution"],
                number_last4=data["account_number"], forecast_buffer=data["forecast_buffer"],
                low_balance_alert_below=data["low_balance_alert_below"],
                large_transaction_alert_above=data["large_transaction_alert_above"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"number_last4": "account_number"})
        else:
            messages.success(request, _("Account “%(name)s” saved.") % {"name": account.name})
            return redirect("accounts:detail", pk=account.pk)
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "form_page.html", {
        "form": form, "title": _("Edit “%(name)s”") % {"name": account.name},
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
            messages.success(request, _("Account “%(name)s” closed.") % {"name": account.name})
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_confirm_close.html", {"account": account, "error": error})


def _setting_page(request, account, form, *, save, done, title, submit_label, template="form_page.html"):
    """The page of one setting of ``account``: ``save(cleaned_data)`` calls its service and returns
    the account, ``done(account)`` is the message after it."""
    if request.method == "POST" and form.is_valid():
        try:
            account = save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done(account))
            return redirect("accounts:detail", pk=account.pk)
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, template, {
        "form": form, "account": account, "title": title, "submit_label": submit_label,
        "cancel_url": reverse("accounts:detail", kwargs={"pk": account.pk}),
    })


@require_http_methods(["GET", "POST"])
def account_credit_limit(request, pk):
    account = get_object_or_404(Account, pk=pk, owner=request.user, kind=Account.Kind.CREDIT_CARD)
    return _setting_page(
        request, account, CreditLimitForm(request.POST or None, initial={"credit_limit": account.credit_limit}),
        save=lambda data: services.account_credit_limit_set(user=request.user, account_id=account.pk,
                                                            credit_limit=data["credit_limit"]),
        done=lambda saved: _("Credit limit of “%(name)s” set to %(limit)s.") % {
            "name": saved.name, "limit": format_money(saved.credit_limit, saved.currency)},
        title=_("Credit limit of “%(name)s”") % {"name": account.name}, submit_label=_("Save limit"))


@require_http_methods(["GET", "POST"])
def account_goal(request, pk):
    """Set, change or remove (``remove`` in the POST) an account's savings goal."""
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    if account.kind == Account.Kind.CREDIT_CARD:
        raise Http404("A credit card has no savings goal.")
    if request.method == "POST" and "remove" in request.POST:
        services.account_goal_set(user=request.user, account_id=account.pk, amount=None)
        messages.success(request, _("The savings goal of “%(name)s” is removed.") % {"name": account.name})
        return redirect("accounts:detail", pk=account.pk)
    form = GoalForm(request.POST or None, currency=account.currency, today=user_today(request.user),
                    initial={"goal_amount": account.goal_amount, "goal_on": account.goal_on})
    return _setting_page(
        request, account, form,
        save=lambda data: services.account_goal_set(user=request.user, account_id=account.pk,
                                                    amount=data["goal_amount"], on=data["goal_on"]),
        done=lambda saved: _("Savings goal of “%(name)s” set to %(amount)s.") % {
            "name": saved.name, "amount": format_money(saved.goal_amount, saved.currency)},
        title=_("Savings goal of “%(name)s”") % {"name": account.name}, submit_label=_("Save goal"),
        template="accounts/account_goal.html")


# What each state change does: (service, page heading, what happens, button, message when done).
STATE_CHANGES = {
    "reopen": (services.account_reopen, gettext_lazy("Reopen “%(name)s”"),
               gettext_lazy("The account is open again: you can add income, expenses and transfers to it. Its "
                            "history is kept."),
               gettext_lazy("Reopen account"), gettext_lazy("Account “%(name)s” reopened.")),
    "archive": (services.account_archive, gettext_lazy("Archive “%(name)s”"),
                gettext_lazy("The account disappears from your account list and menus; its history stays "
                             "(statements, exports, past months). You can show it again from the archived accounts."),
                gettext_lazy("Archive account"), gettext_lazy("Account “%(name)s” archived.")),
    "unarchive": (services.account_unarchive, gettext_lazy("Show “%(name)s” again"),
                  gettext_lazy("The account comes back to your account list (it stays closed until you reopen it)."),
                  gettext_lazy("Show again"), gettext_lazy("Account “%(name)s” is back in your list.")),
}


def _state_change(request, pk, change: str):
    account = get_object_or_404(Account, pk=pk, owner=request.user)
    service, heading, details, button, done = STATE_CHANGES[change]
    if request.method == "POST":
        try:
            account = service(user=request.user, account_id=account.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(done) % {"name": account.name})
        return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/account_state_change.html", {
        "account": account, "heading": str(heading) % {"name": account.name}, "details": details, "button": button,
    })


@require_http_methods(["GET", "POST"])
def account_reopen(request, pk):
    return _state_change(request, pk, "reopen")


@require_http_methods(["GET", "POST"])
def account_archive(request, pk):
    return _state_change(request, pk, "archive")


@require_http_methods(["GET", "POST"])
def account_unarchive(request, pk):
    return _state_change(request, pk, "unarchive")
