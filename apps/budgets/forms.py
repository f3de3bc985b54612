from decimal import Decimal

from django import forms

from apps.transactions.models import Category

from .models import Budget
from .periods import user_today
from .services import duplicate_message


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name.capitalize()


class BudgetForm(forms.ModelForm):
    """Create or edit a budget. The view hands the cleaned values to the budget services;
    the checks here give the customer clear messages, the database constraints stay the guard."""

    category = CategoryChoiceField(
        queryset=Category.objects.none(), empty_label="Choose a category",
        error_messages={"invalid_choice": "Choose one of your categories."},
    )
    limit = forms.DecimalField(
        max_digits=14, decimal_places=2, label="Limit",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        help_text="The most you want to spend in one period.",
    )
    warning_percent = forms.IntegerField(
        label="Early warning at (%)", min_value=1, max_value=100, initial=80,
        help_text="You get a warning when spending passes this share of the limit.",
        error_messages={"min_value": "Choose a threshold between 1 and 100 percent.",
                        "max_value": "Choose a threshold between 1 and 100 percent."},
    )

    class Meta:
        model = Budget
        fields = ("category", "period", "limit", "start_date", "warning_percent")
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"start_date": "Periods are counted from this day (e.g. the 1st for calendar months)."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = Category.objects.for_user(user)
        if not self.instance.pk:
            self.fields["start_date"].initial = user_today(user).replace(day=1)

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        # Periods are computed a year past the start: near 9999-12-31 that overflows (a 500).
        if not 1900 <= start.year <= 2999:
            raise forms.ValidationError("Enter a start date between the years 1900 and 2999.")
        return start

    def clean_limit(self):
        limit = self.cleaned_data["limit"]
        if limit <= 0:
            raise forms.ValidationError("Enter a limit greater than zero.")
        return limit.quantize(Decimal("0.01"))

    def clean(self):
        cleaned = super().clean()
        category, period = cleaned.get("category"), cleaned.get("period")
        if category and period:
            duplicates = Budget.objects.filter(owner=self.user, category=category, period=period, is_active=True)
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error("category", duplicate_message(category=category.name.capitalize(), period=period))
        return cleaned

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
