from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.forms import money_field
from apps.transactions.models import Category

from .models import Budget


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class BudgetForm(forms.ModelForm):
    """Create or edit a budget. The view hands the cleaned values to the budget services;
    the checks here give the customer clear messages, the database constraints stay the guard."""

    category = CategoryChoiceField(
        label=gettext_lazy("Category"), queryset=Category.objects.none(),
        empty_label=gettext_lazy("Choose a category"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of your categories.")},
    )
    limit = money_field(label=gettext_lazy("Limit"),
                        help_text=gettext_lazy("The most you want to spend in one period."))
    currency = forms.ChoiceField(label=gettext_lazy("Currency"),
                                 help_text=gettext_lazy("Only spending in this currency counts against the limit."))
    warning_percent = forms.IntegerField(
        label=gettext_lazy("Early warning at (%)"), min_value=1, max_value=100, initial=80,
        help_text=gettext_lazy("You get a warning when spending passes this share of the limit."),
        error_messages={"min_value": gettext_lazy("Choose a threshold between 1 and 100 percent."),
                        "max_value": gettext_lazy("Choose a threshold between 1 and 100 percent.")},
    )

    class Meta:
        model = Budget
        fields = ("category", "period", "limit", "currency", "start_date", "warning_percent")
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"period": gettext_lazy("Period"), "start_date": gettext_lazy("Start date")}
        help_texts = {"start_date": gettext_lazy("Periods are counted from this day (e.g. the 1st for calendar "
                                                 "months).")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Budgets count expenses: the expense categories the user can choose (not hidden ones),
        # and the budget's own category when it is edited, whatever has happened to it since.
        usable = Category.objects.usable_by(user).for_entry_kind("expense")
        self.fields["category"].queryset = Category.objects.filter(
            Q(pk__in=usable.values("pk")) | Q(pk=self.instance.category_id or 0))
        # The currencies the user keeps money in (the default one first); a budget in any
        # other currency could never count a thing.
        held = Account.objects.filter(owner=user).values_list("currency", flat=True).distinct()
        codes = sorted(set(held) | {user.default_currency, self.instance.currency or user.default_currency},
                       key=lambda code: (code != user.default_currency, code))
        self.fields["currency"].choices = [(code, code) for code in codes]
        if not self.instance.pk:
            self.fields["currency"].initial = user.default_currency
            self.fields["start_date"].initial = user_today(user).replace(day=1)

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
