"""The transactions list's filters (django-filter), always over the user's own rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField
from django_filters.fields import ModelChoiceIterator as FilterModelChoiceIterator

from apps.accounts.models import Account
from apps.core import formats
from apps.core.dates import parse_month, shift_month
from apps.core.forms import JINJA2_FORM_RENDERER, OneQueryChoiceIterator, OwnedChoiceMixin
from apps.core.money import MAX_AMOUNT, MINUS, parse_money

from . import selectors
from .models import Category, Transaction


class MonthField(forms.CharField):
    """``YYYY-MM`` -> the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": _("YYYY-MM"), "pattern": r"\d{4}-\d{2}"})

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


class _FilterChoiceIterator(FilterModelChoiceIterator, OneQueryChoiceIterator):
    """django-filter's choices (its "none" choice after the empty one) read with one query."""


class _OwnedFilterChoiceField(OwnedChoiceMixin, FilterModelChoiceField):
    iterator = _FilterChoiceIterator


class OwnedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """Another user's id in the query string answers 404, as it would in a URL."""

    field_class = _OwnedFilterChoiceField


def _accounts(request):
    return Account.objects.filter(owner=request.user)


def _categories(request):
    return Category.objects.for_user(request.user)


class TransactionFilterForm(forms.Form):
    """Bootstrap classes on the filter inputs, and aria-invalid on the ones in error."""

    default_renderer = JINJA2_FORM_RENDERER  # on every list page: the faster renderer

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


class ListOrderingFilter(django_filters.OrderingFilter):
    """``?sort=amount`` / ``?sort=-date``: the list's sortable columns, each with the entry's
    id as the tie-breaker so a page boundary never splits or repeats rows."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        if not ordering:
            return qs
        tie = "-id" if ordering[0].startswith("-") else "id"
        # A computed column (the signed amount, the payee) is computed only when sorted by.
        sorted_by = {field.lstrip("-") for field in ordering}
        computed = {name: expression for name, expression in selectors.sort_expressions().items()
                    if name in sorted_by}
        return qs.annotate(**computed).order_by(*ordering, tie)


def _amount_field(label, lookup):
    """An amount bound, on the entry's size (an expense of 40 is "from 30 to 50")."""
    return django_filters.NumberFilter(
        field_name="amount", label=label, lookup_expr=lookup,
        min_value=Decimal("0"), max_digits=14, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The columns a customer can sort by: (queryset field, ``?sort=`` name, column heading).
SORTABLE = (("occurred_on", "date", _("Date")), ("signed", "amount", _("Amount")),
            ("payee_or_description", "payee", _("Payee")), ("category__name", "category", _("Category")))
# django-filter would write "Date (descending)" once, at import, in no one's language.
SORT_DESCENDING_LABELS = {"-date": _("Date (descending)"), "-amount": _("Amount (descending)"),
                          "-payee": _("Payee (descending)"), "-category": _("Category (descending)")}


class _CategoryFilterChoiceField(_OwnedFilterChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class CategoryChoiceFilter(OwnedModelChoiceFilter):
    field_class = _CategoryFilterChoiceField


def searched_amount(words: str) -> Decimal | None:
    """An amount in the search box as the customer types it or copies it from the list: "62.30",
    "62", "1,450.00", "−1,450.00 USD" (in German "62,30", "1.450,00 €"); None for anything else.
    The sign and the currency are dropped (an entry's amount has neither), the thousands
    separators only where they group thousands."""
    text = re.sub(r"\s*[^\d.,\s]+$", "", words.strip().lstrip(f"+-{MINUS} "))  # the currency after the figure
    try:
        amount = parse_money(text, decimal_separator=formats.decimal_separator(), allow_grouping=True)
    except ValueError:
        return None
    return amount if amount < MAX_AMOUNT else None


RECEIPTS_WITH, RECEIPTS_WITHOUT = "with", "without"
RECEIPTS_CHOICES = [(RECEIPTS_WITH, _("With receipts")), (RECEIPTS_WITHOUT, _("Without receipts"))]


class TransactionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Payee, description, account or amount")}))
    merchant = django_filters.CharFilter(field_name="payee", lookup_expr="iexact", label=_("Payee"))
    account = OwnedModelChoiceFilter(queryset=_accounts, label=_("Account"), empty_label=_("All accounts"))
    month = MonthFilter(label=_("Month"))
    date_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label=_("From date"),
                                          widget=DATE_INPUT)
    date_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label=_("To date"),
                                        widget=DATE_INPUT)
    amount_from = _amount_field(_("Amount from"), "gte")
    amount_to = _amount_field(_("Amount to"), "lte")
    category = CategoryChoiceFilter(queryset=_categories, label=_("Category"), empty_label=_("All categories"))
    kind = django_filters.ChoiceFilter(choices=Transaction.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    receipts = django_filters.ChoiceFilter(choices=RECEIPTS_CHOICES, method="kept_receipts", label=_("Receipts"),
                                           empty_label=_("With or without"))
    sort = ListOrderingFilter(fields=[(field, name) for field, name, _heading in SORTABLE],
                              field_labels={**{field: heading for field, _name, heading in SORTABLE},
                                            **SORT_DESCENDING_LABELS},
                              label=_("Sort by"), empty_label=_("Newest first"))

    class Meta:
        model = Transaction
        form = TransactionFilterForm
        fields = ["q", "merchant", "account", "month", "date_from", "date_to", "amount_from", "amount_to",
                  "category", "kind", "receipts", "sort"]

    def is_one_account_by_date(self) -> bool:
        """Filtered to one account and nothing else, newest first: the rows follow each other
        in the account's ledger, so each can show the balance after it."""
        data = self.form.cleaned_data if self.is_valid() else {}
        if not data.get("account"):
            return False
        others = [name for name, value in data.items() if name not in ("account", "sort") and value not in (None, "")]
        return not others and data.get("sort") in (None, [], ["-date"])

    def kept_receipts(self, queryset, name, value):
        """``with``: the entries that keep a receipt or an invoice; ``without``: the others
        (the expenses a customer still has to find a receipt for)."""
        kept = selectors.keeps_receipts(user=self.request.user)
        return queryset.filter(kept if value == RECEIPTS_WITH else ~kept)

    def search(self, queryset, name, value):
        """What was typed, found in the description, the payee or the account's name; an amount
        (``searched_amount``) also finds the entries of that amount. The account's name is looked
        up among the customer's own accounts, through their owner index (a join made PostgreSQL
        scan every customer's accounts)."""
        # ``value`` comes stripped (a CharFilter's form field strips what was typed).
        accounts = Account.objects.filter(owner=self.request.user, name__icontains=value).values("pk")
        found = Q(description__icontains=value) | Q(payee__icontains=value) | Q(account_id__in=accounts)
        amount = searched_amount(value)
        return queryset.filter(found if amount is None else found | Q(amount=amount))
