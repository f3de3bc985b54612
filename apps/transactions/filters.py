"""The transactions list's filters (django-filter), always over the user's own rows."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters.fields import ModelChoiceField as FilterModelChoiceField

from apps.accounts.models import Account
from apps.core.dates import parse_month, shift_month
from apps.core.forms import OwnedChoiceMixin

from .models import Category, Transaction


class MonthField(forms.CharField):
    """``YYYY-MM`` -> the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value: date | None):
        if value is None:
            return qs
        return qs.filter(occurred_on__gte=value, occurred_on__lt=shift_month(value, 1))


class _OwnedFilterChoiceField(OwnedChoiceMixin, FilterModelChoiceField):
    pass


class OwnedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """Another user's id in the query string answers 404, as it would in a URL."""

    field_class = _OwnedFilterChoiceField


def _accounts(request):
    return Account.objects.filter(owner=request.user)


def _categories(request):
    return Category.objects.for_user(request.user)


class TransactionFilterForm(forms.Form):
    """Bootstrap classes on the filter inputs, and aria-invalid on the ones in error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}-error"


class TransactionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    merchant = django_filters.CharFilter(field_name="payee", lookup_expr="iexact", label="Payee")
    account = OwnedModelChoiceFilter(queryset=_accounts, empty_label="All accounts")
    month = MonthFilter(label="Month")
    category = OwnedModelChoiceFilter(queryset=_categories, empty_label="All categories")
    kind = django_filters.ChoiceFilter(choices=Transaction.Kind.choices, empty_label="All kinds")

    class Meta:
        model = Transaction
        form = TransactionFilterForm
        fields = ["q", "merchant", "account", "month", "category", "kind"]

    def search(self, queryset, name, value):
        """Words found in the description or the payee."""
        return queryset.filter(Q(description__icontains=value) | Q(payee__icontains=value))
