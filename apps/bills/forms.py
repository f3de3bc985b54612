"""Forms of the bills pages. The services check every rule again (and the database after
them); the fields here give the customer clear messages next to what they typed."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.forms import AccountChoiceField
from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.forms import date_field, money_field
from apps.transactions.forms import CategoryChoiceField
from apps.transactions.models import Category

from .models import DEFAULT_REMIND_DAYS, MAX_COUNT, MAX_REMIND_DAYS, Frequency, RecurringKind, max_count_text

Kind = RecurringKind

NAME_LABELS = {Kind.BILL: gettext_lazy("Payee"), Kind.INCOME: gettext_lazy("From (payer)"),
               Kind.TRANSFER: gettext_lazy("Name")}
NAME_HELP = {
    Kind.BILL: gettext_lazy("Who you pay, as it appears on your statement (for example “Rent” or “City Power”). "
                            "It becomes the description of each payment."),
    Kind.INCOME: gettext_lazy("For example “Salary”. It becomes the description of each entry."),
    Kind.TRANSFER: gettext_lazy("For example “Savings”. It becomes the description of each transfer."),
}


DAY_ERROR = gettext_lazy("Choose a day between 1 and 31.")
# Messages with a figure in them, translated when shown (the language of the request).
DAYS_ERROR = lazy(lambda: _("Choose between 0 and %(max)s days.") % {"max": MAX_REMIND_DAYS}, str)()
COUNT_ERROR = lazy(lambda: _("Choose at most %(max)s payments, or leave it empty.") % {"max": max_count_text()},
                   str)()


def _day_field(label, help_text):
    return forms.IntegerField(
        label=label, required=False, min_value=1, max_value=31, help_text=help_text,
        error_messages={"min_value": DAY_ERROR, "max_value": DAY_ERROR},
    )


def _pk(value):
    """An initial value given as an object or as its id."""
    return getattr(value, "pk", value)


class RecurringItemForm(forms.Form):
    """A bill, an income or a transfer: the kind decides which fields there are."""

    name = forms.CharField(max_length=100)
    amount = money_field(label=gettext_lazy("Amount"),
                         help_text=gettext_lazy("For an estimated bill: the amount you expect."))
    amount_min = money_field(label=gettext_lazy("Lowest amount"), required=False,
                             help_text=gettext_lazy("Estimated bills only (the amount changes each time): leave "
                                                    "both empty for a fixed amount."))
    amount_max = money_field(label=gettext_lazy("Highest amount"), required=False)
    account = AccountChoiceField(label=gettext_lazy("Account"), queryset=Account.objects.none(),
                                 empty_label=gettext_lazy("Choose an account"))
    to_account = AccountChoiceField(label=gettext_lazy("To account"), queryset=Account.objects.none(),
                                    empty_label=gettext_lazy("Choose an account"))
    category = CategoryChoiceField(label=gettext_lazy("Category"), queryset=Category.objects.none(),
                                   empty_label=gettext_lazy("Choose a category"))
    frequency = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=Frequency.choices,
                                  initial=Frequency.MONTHLY)
    starts_on = date_field(label=gettext_lazy("First payment on"))
    day = _day_field(gettext_lazy("Day of the month"),
                     gettext_lazy("Monthly and longer: the day it is due; 29 to 31 fall on the last day of shorter "
                                  "months. Empty: the day of the first payment."))
    second_day = _day_field(gettext_lazy("Second day of the month"),
                            gettext_lazy("Twice a month only (for example 1 and 15)."))
    until = date_field(label=gettext_lazy("Ends on"), required=False,
                       help_text=gettext_lazy("Optional: no payment after this date."))
    count = forms.IntegerField(
        label=gettext_lazy("Or after this many payments"), required=False, min_value=1, max_value=MAX_COUNT,
        error_messages={"min_value": gettext_lazy("Choose at least 1 payment."),
                        "max_value": COUNT_ERROR},
    )
    autopay = forms.BooleanField(label=gettext_lazy("Autopay: record the payment automatically on the due date"),
                                 required=False)
    remind_days = forms.IntegerField(
        label=gettext_lazy("Remind me this many days before"), required=False, min_value=0,
        max_value=MAX_REMIND_DAYS, initial=DEFAULT_REMIND_DAYS,
        help_text=gettext_lazy("0 reminds you on the day; empty: no reminder."),
        error_messages={"min_value": DAYS_ERROR, "max_value": DAYS_ERROR},
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
            self.fields["account"].label = gettext_lazy("From account")
            del self.fields["category"]
        else:
            del self.fields["to_account"]
            self.fields["account"].label = gettext_lazy("Paid from") if kind == Kind.BILL else gettext_lazy("Paid into")
        if kind != Kind.BILL:
            for name in ("amount_min", "amount_max", "autopay", "remind_days"):
                del self.fields[name]
            self.fields["amount"].help_text = ""
        if editing:
            self.fields["starts_on"].label = gettext_lazy("Next payment on")
            self.fields["starts_on"].help_text = gettext_lazy("Changes apply from this date on; earlier payments "
                                                              "keep their date and amount.")
            self.fields["count"].label = gettext_lazy("Or after this many more payments")
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

    amount = money_field(label=gettext_lazy("Amount"))
    paid_on = date_field(label=gettext_lazy("Paid on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("paid_on", user_today(user))
