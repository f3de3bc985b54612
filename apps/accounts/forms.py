"""Account forms."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.dates import user_today
from apps.core.forms import CurrencyField, OwnedModelChoiceField, date_field, money_field
from apps.core.money import format_money

from .models import Account


class AccountSelect(forms.Select):
    """Each account's option carries its currency (``data-currency``), for a page's script
    (static/js/transfer-form.js asks for what arrives only between two currencies)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"] = {"data-currency": instance.currency, **option["attrs"]}  # before "selected"
        return option


class AccountChoiceField(OwnedModelChoiceField):
    widget = AccountSelect

    def label_from_instance(self, obj):
        return f"{obj} ({format_money(obj.balance, obj.currency)})"


def last4_from_number(value: str) -> str:
    """A full account number (spaces and dashes allowed, IBAN letters too) or its last four
    digits -> the last four digits; only those are ever stored."""
    compact = re.sub(r"[\s-]", "", value or "")
    if not compact:
        return ""
    # isascii: "²" and "١" are digits to str.isdigit(), not to the database's [0-9] constraint.
    if not compact.isalnum() or len(compact) < 4 or not (compact[-4:].isascii() and compact[-4:].isdigit()):
        raise ValidationError(
            _("Enter the account number or its last four digits (the number must end in four digits).")
        )
    return compact[-4:]


class AccountNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Account number"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 42)
        kwargs.setdefault("help_text", gettext_lazy("The full number or just its last four digits; only the last four "
                                                    "are kept."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return last4_from_number(super().clean(value))


class AccountCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100,
                           help_text=gettext_lazy("For example “Everyday checking”."))
    institution = forms.CharField(label=gettext_lazy("Institution name"), max_length=100, required=False)
    account_number = AccountNumberField()
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Account.Kind.choices, initial=Account.Kind.CHECKING)
    currency = CurrencyField(label=gettext_lazy("Currency"))
    opening_balance = money_field(
        label=gettext_lazy("Opening balance"), min_value=Decimal("0.00"), required=False,
        help_text=gettext_lazy("What the account holds today (0 if empty). It becomes the account's first entry."),
    )
    credit_limit = money_field(
        label=gettext_lazy("Credit limit"), min_value=Decimal("0.00"), required=False,
        help_text=gettext_lazy("Credit cards only: how far below zero the balance may go."),
    )
    opened_on = date_field(label=gettext_lazy("Opened on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("currency", user.default_currency)
        self.initial.setdefault("opened_on", user_today(user))

    def clean(self):
        cleaned = super().clean()
        kind, limit = cleaned.get("kind"), cleaned.get("credit_limit")
        if limit and kind != Account.Kind.CREDIT_CARD:
            self.add_error("credit_limit", _("Only credit cards have a credit limit; leave it empty."))
        cleaned["credit_limit"] = limit or Decimal("0.00")
        cleaned["opening_balance"] = cleaned.get("opening_balance") or Decimal("0.00")
        return cleaned


class AccountUpdateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    institution = forms.CharField(label=gettext_lazy("Institution name"), max_length=100, required=False)
    account_number = AccountNumberField(help_text=gettext_lazy("Leave as is, enter a new number, or clear it."))
    forecast_buffer = money_field(
        label=gettext_lazy("Keep at least"), min_value=Decimal("0.00"), required=False,
        help_text=gettext_lazy("Your buffer: the forecast warns you before the balance is projected to go below it, "
                               "and “safe to spend” leaves it aside. Empty or 0: no buffer."),
    )

    low_balance_alert_below = money_field(label=gettext_lazy("Alert me when the balance goes below"),
                                          min_value=Decimal("0.00"), required=False)
    large_transaction_alert_above = money_field(label=gettext_lazy("Alert me of any single entry above"),
                                                min_value=Decimal("0.00"), required=False)

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["low_balance_alert_below"].help_text = _(
            "In %(currency)s. You are told once each time the balance drops below this amount (again after it "
            "has gone back up). Empty: no alert.") % {"currency": currency}
        self.fields["large_transaction_alert_above"].help_text = _(
            "In %(currency)s. You are told of each entry of more than this amount, money out or money in "
            "(expenses, income, transfers). Empty: no alert.") % {"currency": currency}

    def clean_forecast_buffer(self):
        return self.cleaned_data.get("forecast_buffer") or Decimal("0.00")


class CreditLimitForm(forms.Form):
    credit_limit = money_field(
        label=gettext_lazy("Credit limit"), min_value=Decimal("0.00"), required=False,
        help_text=gettext_lazy("How far below zero the balance may go. It cannot be lower than what you already owe."),
    )

    def clean_credit_limit(self):
        return self.cleaned_data.get("credit_limit") or Decimal("0.00")


class GoalForm(forms.Form):
    """An account's savings goal: how much, and by when (optional)."""

    goal_amount = money_field(label=gettext_lazy("Goal amount"), allow_grouping=True)
    goal_on = date_field(label=gettext_lazy("Reach it by"), required=False,
                         help_text=gettext_lazy("Leave it empty for a goal without a date."))

    def __init__(self, *args, currency: str, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal_amount"].help_text = _(
            "In %(currency)s: what you want this account to hold.") % {"currency": currency}
        self.fields["goal_on"].widget.attrs["min"] = (today + timedelta(days=1)).isoformat()
