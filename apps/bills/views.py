"""Bills pages. Views validate a form, call one service and redirect; every item is looked
up among the logged-in user's own, so another customer's id answers 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.dates import user_today
from apps.core.formats import format_day
from apps.core.forms import add_service_errors
from apps.core.money import format_money

from . import detection, selectors, services
from .forms import PayNowForm, RecurringItemForm
from .models import RecurringItem, RecurringKind

Kind = RecurringKind
FORM_ERROR = gettext_lazy("Please correct the errors below.")
NEW_TITLES = {Kind.BILL: gettext_lazy("New bill"), Kind.INCOME: gettext_lazy("New recurring income"),
              Kind.TRANSFER: gettext_lazy("New recurring transfer")}
EDIT_TITLES = {Kind.BILL: gettext_lazy("Edit bill"), Kind.INCOME: gettext_lazy("Edit recurring income"),
               Kind.TRANSFER: gettext_lazy("Edit recurring transfer")}
# The new-bill form's fields a suggested bill pre-fills (detection.BillSuggestion.form_query).
PREFILL_FIELDS = ("name", "amount", "account", "category", "frequency", "starts_on", "day")


def _own_item(request, pk) -> RecurringItem:
    return get_object_or_404(RecurringItem.objects.select_related("account", "to_account", "category"),
                             pk=pk, owner=request.user, is_active=True)


def _due_on(value: str) -> date:
    """A date from the URL or a form (YYYY-MM-DD); anything else answers 404."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Http404("No such date.") from None


def recurring_list(request):
    today = user_today(request.user)
    return render(request, "bills/recurring_list.html", {
        "rows": selectors.recurring_list(user=request.user, today=today), "today": today, "kinds": Kind,
        "suggestions": detection.bill_suggestions(user=request.user, today=today),
    })


@require_POST
def bill_suggestion_dismiss(request):
    """Dismiss a suggested bill: not suggested again."""
    try:
        services.bill_suggestion_dismiss(user=request.user, payee_key=request.POST.get("payee_key", ""),
                                         cadence=request.POST.get("cadence", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Suggestion dismissed: it will not be suggested again."))
    return redirect("bills:list")


def recurring_detail(request, pk):
    item = _own_item(request, pk)
    today = user_today(request.user)
    return render(request, "bills/recurring_detail.html", {
        "item": item, "today": today,
        "upcoming": selectors.upcoming_dates(item=item, today=today),
        "history": selectors.occurrence_history(item=item, today=today),
    })


def _form_page(request, form, *, title, submit_label, item=None):
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "bills/recurring_form.html", {
        "form": form, "title": title, "submit_label": submit_label, "item": item,
        "cancel_url": reverse("bills:detail", args=[item.pk]) if item else reverse("bills:list"),
    })


@require_http_methods(["GET", "POST"])
def recurring_create(request, kind):
    if kind not in Kind.values:
        raise Http404("No such kind.")
    # A suggested bill's "Set it up" link pre-fills the form; what is saved is checked as typed.
    prefill = {name: request.GET[name] for name in PREFILL_FIELDS if request.GET.get(name)}
    form = RecurringItemForm(request.POST or None, user=request.user, kind=kind, initial=prefill)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.recurring_create(user=request.user, kind=kind, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” added: first payment on %(day)s.")
                             % {"name": item.name, "day": format_day(item.next_due_on)})
            return redirect("bills:list")
    return _form_page(request, form, title=NEW_TITLES[kind], submit_label=_("Save"))


@require_http_methods(["GET", "POST"])
def recurring_edit(request, pk):
    item = _own_item(request, pk)
    form = RecurringItemForm(request.POST or None, user=request.user, kind=item.kind, editing=True,
                             initial=selectors.edit_initial(item=item))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.recurring_update(user=request.user, item_id=item.pk, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” saved. Payments before the change keep their amount.")
                             % {"name": item.name})
            return redirect("bills:list")
    return _form_page(request, form, title=EDIT_TITLES[item.kind], submit_label=_("Save changes"), item=item)


@require_POST
def recurring_pause(request, pk):
    item = services.recurring_pause(user=request.user, item_id=_own_item(request, pk).pk)
    messages.success(request, _("“%(name)s” paused: nothing is posted or reminded until you resume it.")
                     % {"name": item.name})
    return redirect("bills:list")


@require_POST
def recurring_resume(request, pk):
    item = services.recurring_resume(user=request.user, item_id=_own_item(request, pk).pk)
    messages.success(request, _("“%(name)s” resumed. Dates that passed while it was paused are skipped.")
                     % {"name": item.name})
    return redirect("bills:list")


@require_POST
def occurrence_skip(request, pk):
    item = _own_item(request, pk)
    try:
        due_on = date.fromisoformat(request.POST.get("due_on") or "")
    except ValueError:
        messages.error(request, _("Choose the payment to skip."))
        return redirect("bills:detail", pk=item.pk)
    try:
        services.occurrence_skip(user=request.user, item_id=item.pk, due_on=due_on)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The payment of “%(name)s” due on %(day)s is skipped.")
                         % {"name": item.name, "day": format_day(due_on)})
    return redirect("bills:list")


@require_http_methods(["GET", "POST"])
def occurrence_pay(request, pk, due_on):
    """Mark one date paid: link a suggested expense, or post the payment now."""
    item = _own_item(request, pk)
    due_on = _due_on(due_on)
    occurrence = selectors.occurrence_view(item=item, due_on=due_on)
    if occurrence is None:
        raise Http404("No such payment.")
    linking = request.method == "POST" and "transaction_id" in request.POST
    form = PayNowForm(request.POST if request.method == "POST" and not linking else None, user=request.user,
                      initial={"amount": occurrence.amount})
    if request.method == "POST":
        try:
            if linking:
                transaction_id = request.POST["transaction_id"]
                if not (transaction_id.isascii() and transaction_id.isdigit()):
                    raise Http404("No such entry.")
                services.occurrence_mark_paid(user=request.user, item_id=item.pk, due_on=due_on,
                                              transaction_id=int(transaction_id))
            elif form.is_valid():
                services.occurrence_mark_paid(user=request.user, item_id=item.pk, due_on=due_on, post=True,
                                              amount=form.cleaned_data["amount"],
                                              paid_on=form.cleaned_data["paid_on"])
        except ValidationError as error:
            if linking:
                messages.error(request, " ".join(error.messages))
            else:
                add_service_errors(form, error, {"occurred_on": "paid_on", "account": None})
        else:
            if linking or not form.errors:
                messages.success(request, _("The payment of “%(name)s” due on %(day)s is marked paid.")
                                 % {"name": item.name, "day": format_day(due_on)})
                return redirect("bills:list")
        if form.errors:
            messages.error(request, FORM_ERROR)
        occurrence = selectors.occurrence_view(item=item, due_on=due_on)
    matches = []
    if occurrence.is_open and item.kind == Kind.BILL:
        matches = selectors.occurrence_matches(user=request.user, item=item, due_on=due_on, amount=occurrence.amount)
    return render(request, "bills/occurrence_pay.html", {
        "item": item, "occurrence": occurrence, "matches": matches, "form": form,
        "amount_text": format_money(occurrence.amount, item.currency),
    })


@require_http_methods(["GET", "POST"])
def recurring_delete(request, pk):
    item = _own_item(request, pk)
    if request.method == "POST":
        services.recurring_delete(user=request.user, item_id=item.pk)
        messages.success(request, _("“%(name)s” deleted. Payments already recorded stay in your transactions.")
                         % {"name": item.name})
        return redirect("bills:list")
    return render(request, "bills/recurring_confirm_delete.html", {"item": item})
