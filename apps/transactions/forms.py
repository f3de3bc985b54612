"""Ledger forms. Every money form carries a one-time token (a hidden UUID made when the
form is first shown) that the service stores under a unique constraint, so a double
click or a replayed POST creates one transaction."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst

from apps.accounts.forms import AccountChoiceField
from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.forms import OwnedModelChoiceField, date_field, money_field

from .models import Category, Transaction
from .payees import PAYEE_MAX_LENGTH


def payee_field():
    return forms.CharField(
        max_length=PAYEE_MAX_LENGTH, required=False,
        help_text="Who was paid, or who paid you. Leave it empty to take it from the description.",
    )


class CategoryChoiceField(OwnedModelChoiceField):
    def label_from_instance(self, obj):
        return capfirst(obj.name)


def _open_accounts(user):
    return Account.objects.filter(owner=user, closed_on__isnull=True).order_by("name", "id")


def _all_accounts(user):
    return Account.objects.filter(owner=user)


class OneTimeTokenForm(forms.Form):
    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.token_was_missing = False
        if not self.is_bound:
            self.initial["form_token"] = uuid.uuid4()
            return
        try:
            uuid.UUID(str(self.data.get("form_token", "")))
        except ValueError:
            # A form without a usable token cannot be protected against replays: give it
            # a fresh one and ask the user to check and send it again.
            self.data = self.data.copy()
            self.data["form_token"] = str(uuid.uuid4())
            self.token_was_missing = True

    def clean(self):
        cleaned = super().clean()
        if self.token_was_missing:
            raise ValidationError("This form had expired. Please check the details and submit it again.")
        return cleaned


class FarFutureConfirmMixin(forms.Form):
    """A date more than a year ahead is refused by the ledger service unless confirmed: the
    box is hidden until the service asks (``ask_to_confirm_far_future``)."""

    confirm_far_future = forms.BooleanField(required=False, widget=forms.HiddenInput,
                                            label="Yes, this date is right")

    def ask_to_confirm_far_future(self):
        self.fields["confirm_far_future"].widget = forms.CheckboxInput()


class EntryForm(FarFutureConfirmMixin, OneTimeTokenForm):
    """Income or expense on one account."""

    account = AccountChoiceField(queryset=Account.objects.none(), empty_label="Choose an account")
    amount = money_field()
    category = CategoryChoiceField(queryset=Category.objects.none(), empty_label="Choose a category")
    occurred_on = date_field()
    payee = payee_field()
    description = forms.CharField(max_length=255, required=False)

    field_order = ["account", "amount", "category", "occurred_on", "confirm_far_future", "payee", "description",
                   "form_token"]

    def __init__(self, *args, user, rules_choose: bool = False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["account"].queryset = _open_accounts(user)
        self.fields["account"].owned_queryset = _all_accounts(user)
        self.fields["category"].queryset = Category.objects.for_user(user)
        self.initial.setdefault("occurred_on", user_today(user))
        if rules_choose:
            # The user asked their categorisation rules to choose (apps.transactions.extensions "entry_rules").
            self.fields["category"].required = False
            self.fields["category"].empty_label = "Let my rules choose"


class TransferForm(FarFutureConfirmMixin, OneTimeTokenForm):
    from_account = AccountChoiceField(label="From", queryset=Account.objects.none(), empty_label="Choose an account")
    to_account = AccountChoiceField(label="To", queryset=Account.objects.none(), empty_label="Choose an account")
    amount = money_field()
    occurred_on = date_field()
    description = forms.CharField(max_length=255, required=False)

    field_order = ["from_account", "to_account", "amount", "occurred_on", "confirm_far_future", "description",
                   "form_token"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("from_account", "to_account"):
            self.fields[name].queryset = _open_accounts(user)
            self.fields[name].owned_queryset = _all_accounts(user)
        self.initial.setdefault("occurred_on", user_today(user))


class TransactionEditForm(FarFutureConfirmMixin, forms.Form):
    """Amount, date and description of any entry; also category and account of an
    income or expense (a transfer's two legs change together)."""

    account = AccountChoiceField(queryset=Account.objects.none())
    amount = money_field()
    category = CategoryChoiceField(queryset=Category.objects.none())
    occurred_on = date_field()
    payee = payee_field()
    description = forms.CharField(max_length=255, required=False)

    field_order = ["account", "amount", "category", "occurred_on", "confirm_far_future", "payee", "description"]

    def __init__(self, *args, user, entry: Transaction, **kwargs):
        kwargs.setdefault("initial", {
            "account": entry.account_id, "amount": entry.amount, "category": entry.category_id,
            "occurred_on": entry.occurred_on, "payee": entry.payee, "description": entry.description,
        })
        super().__init__(*args, **kwargs)
        if entry.kind in (Transaction.Kind.INCOME, Transaction.Kind.EXPENSE):
            # The entry's own account stays a choice even if it was closed since.
            self.fields["account"].queryset = Account.objects.filter(
                Q(owner=user) & (Q(closed_on__isnull=True) | Q(pk=entry.account_id))
            ).order_by("name", "id")
            self.fields["account"].owned_queryset = _all_accounts(user)
            self.fields["category"].queryset = Category.objects.for_user(user)
        else:
            del self.fields["account"]
            del self.fields["category"]
            del self.fields["payee"]


class CategoryForm(forms.Form):
    name = forms.CharField(label="New category", max_length=50,
                           error_messages={"required": "Enter a name for the category."})
