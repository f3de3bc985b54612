"""Rules pages. Views validate a form, call one service and redirect; every rule is looked
up among the logged-in user's own, so another customer's id answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.forms import add_service_errors
from apps.transactions.models import Transaction

from . import selectors, services
from .forms import RuleForm, RulePreferencesForm
from .models import Rule, RuleField, RuleOperator

FORM_ERROR = gettext_lazy("Please correct the errors below.")
PREVIEW_PAGE_SIZE = 50


def _own_rule(request, pk) -> Rule:
    return get_object_or_404(Rule.objects.select_related("set_category", "account"), pk=pk, owner=request.user)


def rule_list(request):
    return render(request, "rules/rule_list.html", {
        "rules": list(selectors.rule_list(user=request.user)),
        "preferences_form": RulePreferencesForm(
            initial={"apply_on_manual_entry": selectors.applies_on_manual_entry(user=request.user)}),
    })


@require_POST
def preferences_update(request):
    form = RulePreferencesForm(request.POST)
    form.is_valid()  # a single checkbox: always valid
    preferences = services.rule_preferences_set(
        user=request.user, apply_on_manual_entry=form.cleaned_data.get("apply_on_manual_entry", False))
    messages.success(request, _("Your rules now choose the category of entries you add by hand when you leave it "
                                "to them.") if preferences.apply_on_manual_entry else
                     _("Your rules no longer choose categories of entries you add by hand."))
    return redirect("rules:list")


def _initial_from_entry(request) -> dict:
    """``?from=<transaction id>``: a rule prefilled from one of the user's income or expense entries."""
    value = request.GET.get("from")
    if not value:
        return {}
    if not (value.isascii() and value.isdigit()):
        raise Http404("No such transaction.")
    entry = get_object_or_404(Transaction.objects.select_related("category"), pk=value, owner=request.user,
                              kind__in=(Transaction.Kind.INCOME, Transaction.Kind.EXPENSE))
    text = entry.payee or entry.description
    return {
        "name": text[:100] or _("Rule for %(category)s") % {"category": entry.category},
        "field": RuleField.PAYEE if entry.payee else RuleField.DESCRIPTION,
        "operator": RuleOperator.CONTAINS, "pattern": text[:200],
        "account": entry.account_id, "kind": entry.kind, "set_category": entry.category_id,
        "set_payee": entry.payee,
    }


def _form_page(request, form, *, title, submit_label, rule=None):
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "rules/rule_form.html", {
        "form": form, "title": title, "submit_label": submit_label, "rule": rule,
        "cancel_url": reverse("rules:list"),
    })


@require_http_methods(["GET", "POST"])
def rule_create(request):
    initial = _initial_from_entry(request) if request.method == "GET" else {}
    form = RuleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(user=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rule “%(name)s” saved. See which past entries it would change below.")
                             % {"name": rule.name})
            return redirect("rules:apply", pk=rule.pk)
    return _form_page(request, form, title=_("New rule"), submit_label=_("Save rule"))


@require_http_methods(["GET", "POST"])
def rule_edit(request, pk):
    rule = _own_rule(request, pk)
    initial = {name: getattr(rule, name) for name in ("name", "field", "operator", "pattern", "min_amount",
                                                     "max_amount", "kind", "set_payee", "is_active")}
    initial.update(account=rule.account_id, set_category=rule.set_category_id)
    form = RuleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_update(user=request.user, rule_id=rule.pk, **form.service_kwargs())
        except Rule.DoesNotExist:
            raise Http404("No such rule.") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rule “%(name)s” saved. Entries already recorded keep their category "
                                        "unless you apply the rule to them.") % {"name": rule.name})
            return redirect("rules:list")
    return _form_page(request, form, title=_("Edit rule “%(name)s”") % {"name": rule.name},
                      submit_label=_("Save changes"), rule=rule)


@require_http_methods(["GET", "POST"])
def rule_delete(request, pk):
    rule = _own_rule(request, pk)
    if request.method == "POST":
        try:
            services.rule_delete(user=request.user, rule_id=rule.pk)
        except Rule.DoesNotExist:
            raise Http404("No such rule.") from None
        messages.success(request, _("Rule “%(name)s” deleted. Entries it categorised keep their category.")
                         % {"name": rule.name})
        return redirect("rules:list")
    return render(request, "rules/rule_confirm_delete.html", {"rule": rule})


@require_POST
def rule_move(request, pk):
    rule = _own_rule(request, pk)
    try:
        services.rule_move(user=request.user, rule_id=rule.pk, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Rule.DoesNotExist:
        raise Http404("No such rule.") from None
    return redirect("rules:list")


@require_http_methods(["GET", "POST"])
def rule_apply(request, pk):
    """Apply a rule to past entries: a preview of every change (paginated), then Confirm."""
    rule = _own_rule(request, pk)
    if request.method == "POST":
        try:
            count = services.rule_apply_to_past(user=request.user, rule_id=rule.pk)
        except Rule.DoesNotExist:
            raise Http404("No such rule.") from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("rules:apply", pk=rule.pk)
        messages.success(request, ngettext(
            "Rule “%(name)s” applied to %(count)s past entry; monthly totals and budgets updated.",
            "Rule “%(name)s” applied to %(count)s past entries; monthly totals and budgets updated.", count)
            % {"name": rule.name, "count": count})
        return redirect("rules:list")
    changes = selectors.rule_past_changes(user=request.user, rule=rule)
    page = Paginator(changes, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rules/rule_apply.html", {
        "rule": rule, "page_obj": page, "count": len(changes),
        "rows": selectors.past_change_rows(user=request.user, changes=page.object_list),
    })
