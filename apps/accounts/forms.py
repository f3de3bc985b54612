"""Account forms, and the form pieces the ledger forms share (money fields, owned
choices, service errors shown on the form)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from .models import Account

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def money_field(*, label="Amount", min_value=Decimal("0.01"), required=True, help_text="", **kwargs):
    """A Decimal money field (never float) with messages a customer understands."""
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=min_value, required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": "Enter an amount as a number, for example 12.50.",
            "min_value": ("Enter an amount greater than zero." if min_value > 0
                          else "The amount cannot be negative."),
            "max_decimal_places": "Use at most two decimal places (cents).",
            "max_digits": "That amount is too large.",
            "max_whole_digits": "That amount is too large.",
        },
        **kwargs,
    )


def date_field(*, label="Date", **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": "Enter a date.", "invalid": "Enter a real date, for example 2025-02-28."},
        **kwargs,
    )


class OwnedChoiceMixin:
    """A choice among the user's own objects. An id that is none of the user's objects
    (another customer's, or no object at all) answers 404, like the same id in a URL,
    so forms cannot be used to probe other customers' ids. One of the user's own
    objects that is not offered (e.g. a closed account) is a normal form error."""

    def __init__(self, *args, owned_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owned_queryset = owned_queryset

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            owned = self.owned_queryset if self.owned_queryset is not None else self.queryset
            try:
                is_owned = owned.filter(pk=value).exists()
            except (ValueError, TypeError, ValidationError):
                raise exc from None  # not an id at all: a plain form error
            if not is_owned:
                raise Http404("No such object.") from None
            raise


class OwnedModelChoiceField(OwnedChoiceMixin, forms.ModelChoiceField):
    pass


class AccountChoiceField(OwnedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.balance:,.2f} {obj.currency})"


def add_service_errors(form, error: ValidationError, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form: a message keyed by a field goes next to
    that field (renamed through ``field_map``), anything else at the top of the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        name = field_map.get(key, key)
        form.add_error(name if name in form.fields else None, [m for e in errors for m in e.messages])


def last4_from_number(value: str) -> str:
    """A full account number (spaces and dashes allowed, IBAN letters too) or its last four
    digits -> the last four digits; only those are ever stored."""
    compact = re.sub(r"[\s-]", "", value or "")
    if not compact:
        return ""
    # isascii: "²" and "١" are digits to str.isdigit(), not to the database's [0-9] constraint.
    if not compact.isalnum() or len(compact) < 4 or not (compact[-4:].isascii() and compact[-4:].isdigit()):
        raise ValidationError(
            "Enter the account number or its last four digits (the number must end in four digits)."
        )
    return compact[-4:]


class AccountNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Account number")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 42)
        kwargs.setdefault("help_text", "The full number or just its last four digits; only the last four are kept.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return last4_from_number(super().clean(value))


class AccountCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For example “Everyday checking”.")
    institution = forms.CharField(label="Institution name", max_length=100, required=False)
    account_number = AccountNumberField()
    kind = forms.ChoiceField(label="Type", choices=Account.Kind.choices, initial=Account.Kind.CHECKING)
    currency = forms.CharField(
        max_length=3, min_length=3, help_text="ISO 4217 code, for example USD or EUR.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )
    opening_balance = money_field(
        label="Opening balance", min_value=Decimal("0.00"), required=False,
        help_text="What the account holds today (0 if empty). It becomes the account's first entry.",
    )
    credit_limit = money_field(
        label="Credit limit", min_value=Decimal("0.00"), required=False,
        help_text="Credit cards only: how far below zero the balance may go.",
    )
    opened_on = date_field(label="Opened on")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("currency", user.default_currency)
        self.initial.setdefault("opened_on", timezone.localdate(timezone=user.zoneinfo))

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not CURRENCY_RE.match(currency):
            raise ValidationError("Enter a three-letter ISO 4217 currency code, for example USD.")
        return currency

    def clean(self):
        cleaned = super().clean()
        kind, limit = cleaned.get("kind"), cleaned.get("credit_limit")
        if limit and kind != Account.Kind.CREDIT_CARD:
            self.add_error("credit_limit", "Only credit cards have a credit limit; leave it empty.")
        cleaned["credit_limit"] = limit or Decimal("0.00")
        cleaned["opening_balance"] = cleaned.get("opening_balance") or Decimal("0.00")
        return cleaned


class AccountUpdateForm(forms.Form):
    name = forms.CharField(max_length=100)
    institution = forms.CharField(label="Institution name", max_length=100, required=False)
    account_number = AccountNumberField(help_text="Leave as is, enter a new number, or clear it.")
