from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from apps.core import formats
from apps.core.forms import add_service_errors

from .forms import BudgetForm
from .models import Budget
from .selectors import BudgetStatus, budget_vs_actual
from .services import budget_create, budget_delete, budget_update


@dataclass(frozen=True)
class BudgetRow:
    """A budget status as the list page draws it."""

    status: BudgetStatus

    @property
    def bar_width(self) -> int:
        """Whole percent, 0..100 (a class in budgets.css: the CSP forbids inline styles)."""
        return int(min(self.status.percent_used, Decimal(100)).to_integral_value())

    @property
    def aria_max(self) -> Decimal:
        """aria-valuenow is the real share used (e.g. 118.8): the scale grows past 100 so
        that it stays within range; aria-valuetext says it in words."""
        return max(self.status.percent_used, Decimal(100))

    @property
    def percent_text(self) -> str:
        """The share used as the customer's locale writes it: "62.5%", "62,5 %"."""
        number = format_decimal(self.status.percent_used, format="#,##0.0", locale=formats.current().babel)
        return _("%(percent)s%%") % {"percent": number}

    @property
    def over_by(self) -> Decimal:
        return -self.status.remaining

    @property
    def level(self) -> str:
        """Bootstrap colour: green, amber past the warning threshold, red when exceeded."""
        if self.status.exceeded:
            return "danger"
        return "warning" if self.status.warning else "success"

    @property
    def level_text(self) -> str:
        if self.status.exceeded:
            return _("Over the limit")
        return _("Past the warning threshold") if self.status.warning else _("On track")


class BudgetListView(TemplateView):
    template_name = "budgets/budget_list.html"

    def get_context_data(self, **kwargs):
        rows = [BudgetRow(status) for status in budget_vs_actual(user=self.request.user)]
        return super().get_context_data(rows=rows, **kwargs)


def _owned_active_budget(request, pk) -> Budget:
    return get_object_or_404(Budget.objects.select_related("category"), pk=pk, owner=request.user, is_active=True)


class BudgetFormView(FormView):
    template_name = "budgets/budget_form.html"
    form_class = BudgetForm
    success_url = reverse_lazy("budgets:list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.success_url, **kwargs)

    def form_valid(self, form):
        try:
            budget = self.save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"category": budget.category.label})
        return redirect(self.success_url)

    def form_invalid(self, form):
        messages.error(self.request, _("Please correct the errors below."))
        return super().form_invalid(form)


class BudgetCreateView(BudgetFormView):
    extra_context = {"title": gettext_lazy("New budget"), "submit_label": gettext_lazy("Create budget")}
    success_message = gettext_lazy("Budget for “%(category)s” created.")

    def save(self, form):
        return budget_create(user=self.request.user, **form.service_kwargs())


class BudgetUpdateView(BudgetFormView):
    extra_context = {"title": gettext_lazy("Edit budget"), "submit_label": gettext_lazy("Save changes")}
    success_message = gettext_lazy("Budget for “%(category)s” saved.")

    def dispatch(self, request, *args, **kwargs):
        self.budget = _owned_active_budget(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.budget}

    def save(self, form):
        return budget_update(user=self.request.user, budget_id=self.budget.pk, **form.service_kwargs())


class BudgetDeleteView(TemplateView):
    template_name = "budgets/budget_confirm_delete.html"

    def dispatch(self, request, *args, **kwargs):
        self.budget = _owned_active_budget(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(budget=self.budget, **kwargs)

    def post(self, request, *args, **kwargs):
        budget_delete(user=request.user, budget_id=self.budget.pk)
        messages.success(request, _("Budget for “%(category)s” deleted. Its past alerts stay in your alerts list.")
                         % {"category": self.budget.category.label})
        return redirect("budgets:list")
