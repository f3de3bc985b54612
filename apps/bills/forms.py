"""Forms of the bills pages. The services check every rule again (and the database after
them); the fields here give the customer clear messages next to what they typed."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from apps.accounts.forms import AccountChoiceField
from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.forms import date_field, money_field
from apps.transactions.forms import CategoryChoiceField
from apps.transactions.models import Category

from .models import DEFAULT_REMIND_DAYS, MAX_COUNT, MAX_REMIND_DAYS, Frequency, RecurringKind

Kind = RecurringKind

NAME_LABELS = {Kind.BILL: "Payee", Kind.INCOME: "From (payer)", Kind.TRANSFER: "Name"}
NAME_HELP = {
    Kind.BILL: "Who you pay, as it appears on your statement (for example “Rent” or “City Power”). "
               "It becomes the description of each payment.",
    Kind.INCOME: "For example “Salary”. It becomes the description of each entry.",
    Kind.TRANSFER: "For example “Savings”. It becomes the description of each transfer.",
}


def _day_field(label, help_text):
    return forms.IntegerField(
        label=label, required=False, min_value=1, max_value=31, help_text=help_text,
        error_messages={"min_value": "Choose a day between 1 and 31.", "max_value": "Choose a day between 1 and 31."},
    )


def _pk(value):
    """An initial value given as an object or as its id."""
    return getattr(value, "pk", value)


class RecurringItemForm(forms.Form):
    """A bill, an income or a transfer: the kind decides which fields there are."""

    name = forms.CharField(max_length=100)
    amount = money_field(label="Amount", help_text="For an estimated bill: the amount you expect.")
    amount_min = money_field(label="Lowest amount", required=False,
                             help_text="Estimated bills only (the amount changes each time): leave both empty "
                                       "for a fixed amount.")
    amount_max = money_field(label="Highest amount", required=False)
    account = AccountChoiceField(queryset=Account.objects.none(), empty_label="Choose an account")
    to_account = AccountChoiceField(label="To account", queryset=Account.objects.none(),
                                    empty_label="Choose an account")
    category = CategoryChoiceField(queryset=Category.objects.none(), empty_label="Choose a category")
    frequency = forms.ChoiceField(label="Repeats", choices=Frequency.choices, initial=Frequency.MONTHLY)
    starts_on = date_field(label="First payment on")
    day = _day_field("Day of the month", "Monthly and longer: the day it is due; 29 to 31 fall on the last day of "
                                         "shorter months. Empty: the day of the first payment.")
    second_day = _day_field("Second day of the month", "Twice a month only (for example 1 and 15).")
    until = date_field(label="Ends on", required=False, help_text="Optional: no payment after this date.")
    count = forms.IntegerField(
        label="Or after this many payments", required=False, min_value=1, max_value=MAX_COUNT,
        error_messages={"min_value": "Choose at least 1 payment.",
                        "max_value": f"Choose at most {MAX_COUNT:,} payments, or leave it empty."},
    )
    autopay = forms.BooleanField(label="Autopay: record the payment automatically on the due date", required=False)
    remind_days = forms.IntegerField(
        label="Remind me this many days before", required=False, min_value=0, max_value=MAX_REMIND_DAYS,
        initial=DEFAULT_REMIND_DAYS, help_text="0 reminds you on the day; empty: no reminder.",
        error_messages={"min_value": f"Choose between 0 and {MAX_REMIND_DAYS} days.",
                        "max_value": f"Choose between 0 and {MAX_REMIND_DAYS} days."},
    )

    def __init__(self, *args, user, kind: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.kind = user, kind
        self.fields["name"].label = NAME_LABELS[kind]
        self.fields["name"].help_text = NAME_HELP[kind]
        open_accounts = Account.objects.filter(owner=user, closed_on__isnull=True).order_by("name", "id")
        for name in ("account", "to_account"):
            self.fields[name].queryset = open_accounts
            self.fields[name].owned_queryset = Account.objects.filter(owner=user)
        # A bill's entries are expenses and an income's are incomes: the categories of that kind
        # the user can choose, and the item's own when it is edited.
        usable = Category.objects.usable_by(user).for_entry_kind("income" if kind == Kind.INCOME else "expense")
        self.fields["category"].queryset = Category.objects.filter(
            Q(pk__in=usable.values("pk")) | Q(pk=_pk(self.initial.get("category")) or 0))
        if kind == Kind.TRANSFER:
            self.fields["account"].label = "From account"
            del self.fields["category"]
        else:
            del self.fields["to_account"]
            self.fields["account"].label = "Paid from" if kind == Kind.BILL else "Paid into"
        if kind != Kind.BILL:
            for name in ("amount_min", "amount_max", "autopay", "remind_days"):
                del self.fields[name]
            self.fields["amount"].help_text = ""
        if editing:
            self.fields["starts_on"].label = "Next payment on"
            self.fields["starts_on"].help_text = ("Changes apply from this date on; earlier payments keep their "
                                                  "date and amount.")
            self.fields["count"].label = "Or after this many more payments"
        else:
            self.initial.setdefault("starts_on", user_today(user))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data.get(name) for name in (
            "name", "amount", "amount_min", "amount_max", "frequency", "starts_on", "day", "second_day", "until",
            "count", "category",
        )}
        kwargs["account_id"] = data["account"].pk
        if self.kind == Kind.TRANSFER:
            kwargs["to_account_id"] = data["to_account"].pk
        if self.kind == Kind.BILL:
            kwargs["autopay"] = data["autopay"]
            kwargs["remind_days"] = data["remind_days"]
        return kwargs


class PayNowForm(forms.Form):
    """Post the payment of one date now, through the ledger."""

    amount = money_field(label="Amount")
    paid_on = date_field(label="Paid on")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("paid_on", user_today(user))
