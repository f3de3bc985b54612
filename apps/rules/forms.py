"""Forms of the rules pages. The services check every rule again (and the database after
them); the fields here give the customer clear messages next to what they typed."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Account
from apps.core.forms import OwnedModelChoiceField, money_field
from apps.transactions.forms import CategoryChoiceField
from apps.transactions.models import Category

from .engine import PatternError, compile_pattern
from .models import NAME_MAX_LENGTH, PATTERN_MAX_LENGTH, RuleField, RuleKind, RuleOperator


class RuleForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, label=gettext_lazy("Name"),
                           help_text=gettext_lazy("For you: shown on the import preview."),
                           error_messages={"required": gettext_lazy("Give the rule a name.")})
    field = forms.ChoiceField(label=gettext_lazy("Look at"), choices=RuleField.choices, initial=RuleField.EITHER)
    operator = forms.ChoiceField(label=gettext_lazy("Which"), choices=RuleOperator.choices,
                                 initial=RuleOperator.CONTAINS)
    pattern = forms.CharField(
        label=gettext_lazy("Text or pattern"), max_length=PATTERN_MAX_LENGTH, strip=False,
        help_text=gettext_lazy("Upper and lower case are the same. “Matches the pattern” takes a regular expression "
                               "(RE2 syntax, for example ^(tesco|lidl)\\b)."),
        error_messages={"required": gettext_lazy("Enter the text to look for.")},
    )
    min_amount = money_field(label=gettext_lazy("Lowest amount"), required=False, help_text=gettext_lazy("Optional."))
    max_amount = money_field(label=gettext_lazy("Highest amount"), required=False, help_text=gettext_lazy("Optional."))
    account = OwnedModelChoiceField(queryset=Account.objects.none(), required=False, label=gettext_lazy("Account"),
                                    empty_label=gettext_lazy("Any account"))
    kind = forms.ChoiceField(label=gettext_lazy("Applies to"), choices=RuleKind.choices, initial=RuleKind.EITHER)
    set_category = CategoryChoiceField(label=gettext_lazy("Set the category to"), queryset=Category.objects.none(),
                                       required=False, empty_label=gettext_lazy("Keep the category"))
    set_payee = forms.CharField(label=gettext_lazy("Set the payee to"), max_length=100, required=False,
                                help_text=gettext_lazy("A clean name, for example “Tesco”. Empty: keep the payee."))
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(owner=user).order_by("name", "id")
        usable = Category.objects.usable_by(user)
        self.fields["set_category"].queryset = Category.objects.filter(
            Q(pk__in=usable.values("pk")) | Q(pk=self.initial.get("set_category") or 0))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("operator") == RuleOperator.MATCHES and cleaned.get("pattern"):
            try:
                compile_pattern(cleaned["pattern"])
            except PatternError as error:
                self.add_error("pattern", str(error))
        low, high = cleaned.get("min_amount"), cleaned.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error("max_amount", _("The highest amount must be at least the lowest amount."))
        category, kind = cleaned.get("set_category"), cleaned.get("kind")
        if category is not None and kind in (RuleKind.INCOME, RuleKind.EXPENSE) \
                and category.kind not in (kind, Category.Kind.BOTH):
            if category.kind == Category.Kind.INCOME:
                message = _("“%(category)s” is an income category: choose one for expenses.")
            else:
                message = _("“%(category)s” is an expense category: choose one for incomes.")
            self.add_error("set_category", message % {"category": category.label})
        if not cleaned.get("set_category") and not (cleaned.get("set_payee") or "").strip() \
                and "set_category" not in self.errors:
            self.add_error("set_category", _("Choose a category to set, a payee name to set, or both."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("name", "field", "operator", "pattern", "min_amount", "max_amount",
                                              "account", "kind", "set_category", "set_payee", "is_active")}


class RulePreferencesForm(forms.Form):
    apply_on_manual_entry = forms.BooleanField(
        label=gettext_lazy("Let my rules choose the category when I add an income or expense by hand"),
        required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
