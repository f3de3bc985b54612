"""Ledger forms. Every money form carries a one-time token (a hidden UUID made when the
form is first shown) that the service stores under a unique constraint, so a double
click or a replayed POST creates one transaction."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import AccountChoiceField
from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.forms import JINJA2_FORM_RENDERER, OwnedModelChoiceField, date_field, money_field, offer
from apps.core.pagecache import fresh_token

from .models import ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_ENTRY, CATEGORY_COLOURS, Category, CategoryKind, Transaction
from .payees import PAYEE_MAX_LENGTH
from .selectors import transfer_legs
from .services.checks import check_day_clean


def payee_field():
    return forms.CharField(
        label=_("Payee"), max_length=PAYEE_MAX_LENGTH, required=False,
        help_text=_("Who was paid, or who paid you. Leave it empty to take it from the description."),
    )


def description_field():
    return forms.CharField(label=_("Description"), max_length=255, required=False)


class CategoryChoiceField(OwnedModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


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
            self.initial["form_token"] = fresh_token()  # a kept page gets a new one per answer
            return
        try:
            uuid.UUID(str(self.data.get(self.add_prefix("form_token"), "")))
        except ValueError:
            # A form without a usable token cannot be protected against replays: give it
            # a fresh one and ask the user to check and send it again.
            self.data = self.data.copy()
            self.data[self.add_prefix("form_token")] = str(uuid.uuid4())
            self.token_was_missing = True

    def clean(self):
        cleaned = super().clean()
        if self.token_was_missing:
            raise ValidationError(_("This form had expired. Please check the details and submit it again."))
        return cleaned


class FarFutureConfirmMixin(forms.Form):
    """A date more than a year ahead is refused by the ledger service unless confirmed: the
    box is hidden until the service asks (``ask_to_confirm_far_future``)."""

    confirm_far_future = forms.BooleanField(required=False, widget=forms.HiddenInput,
                                            label=_("Yes, this date is right"))

    def ask_to_confirm_far_future(self):
        self.fields["confirm_far_future"].widget = forms.CheckboxInput()


class EntryForm(FarFutureConfirmMixin, OneTimeTokenForm):
    """Income or expense on one account."""

    account = AccountChoiceField(label=_("Account"), queryset=Account.objects.none(),
                                 empty_label=_("Choose an account"))
    amount = money_field()
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                   empty_label=_("Choose a category"))
    occurred_on = date_field()
    payee = payee_field()
    description = description_field()

    field_order = ["account", "amount", "category", "occurred_on", "confirm_far_future", "payee", "description",
                   "form_token"]

    def __init__(self, *args, user, rules_choose: bool = False, entry_kind: str | None = None,
                 open_accounts: list | None = None, categories: list | None = None, **kwargs):
        """``open_accounts`` and ``categories``: the selects' choices where the page has read
        them already (apps.core.forms.offer)."""
        super().__init__(*args, user=user, **kwargs)
        self.fields["account"].queryset = _open_accounts(user)
        self.fields["account"].owned_queryset = _all_accounts(user)
        if open_accounts is not None:
            offer(self.fields["account"], open_accounts)
            if len(open_accounts) == 1 and not self.initial.get("account"):
                self.initial["account"] = open_accounts[0].pk  # the only account: nothing to choose
        if categories is not None:
            offer(self.fields["category"], categories)
        if categories is None or self.is_bound:
            # An income form offers income and either-way categories; an expense form the expense
            # ones. A form shown with its choices given is never validated: it skips building
            # what it would accept (issue 17: 2 ms of every transactions list).
            usable = Category.objects.usable_by(user)
            self.fields["category"].queryset = usable.for_entry_kind(entry_kind) if entry_kind else usable
            self.fields["category"].owned_queryset = Category.objects.for_user(user)
        self.initial.setdefault("occurred_on", user_today(user))
        if rules_choose:
            # The user asked their categorisation rules to choose (apps.transactions.extensions "entry_rules").
            self.fields["category"].required = False
            self.fields["category"].empty_label = _("Let my rules choose")


class QuickExpenseForm(EntryForm):
    """The transactions list's quick entry, in the order a receipt is typed: date, payee,
    amount, category, account, Enter. The payee is required (there is no description)."""

    default_renderer = JINJA2_FORM_RENDERER  # on every list page: the faster renderer

    field_order = ["occurred_on", "payee", "amount", "category", "account", "confirm_far_future", "form_token"]

    def __init__(self, *args, open_accounts: list | None = None, **kwargs):
        """``open_accounts`` and ``categories`` (EntryForm): the choices, where the page has read
        them already (the list: apps.transactions.selectors.list_choices); else the form reads the
        accounts once, and the select draws its choices from the same rows."""
        if open_accounts is None:
            open_accounts = list(_open_accounts(kwargs["user"]))
        super().__init__(*args, open_accounts=open_accounts, **kwargs)
        del self.fields["description"]
        self.fields["payee"].required = True
        self.fields["category"].empty_label = _("Category")
        self.fields["account"].empty_label = _("Account")
        self.open_account_ids = [a.pk for a in open_accounts]
        placeholders = {"payee": _("Payee"), "amount": _("Amount")}
        for name, field in self.fields.items():
            if not field.widget.is_hidden:
                is_select = isinstance(field.widget, forms.Select)
                field.widget.attrs["class"] = "form-select" if is_select else "form-control"
                if name in placeholders:
                    field.widget.attrs["placeholder"] = placeholders[name]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def ask_to_confirm_far_future(self):
        super().ask_to_confirm_far_future()
        self.fields["confirm_far_future"].widget.attrs["class"] = "form-check-input"


class TransferForm(FarFutureConfirmMixin, OneTimeTokenForm):
    from_account = AccountChoiceField(label=_("From"), queryset=Account.objects.none(),
                                      empty_label=_("Choose an account"))
    to_account = AccountChoiceField(label=_("To"), queryset=Account.objects.none(),
                                    empty_label=_("Choose an account"))
    amount = money_field()
    received_amount = money_field(
        label=_("Amount that arrives"), required=False,
        help_text=_("Only between accounts in two currencies: what arrives, in the receiving account's currency, "
                    "as your bank shows it."))
    occurred_on = date_field()
    description = description_field()

    field_order = ["from_account", "to_account", "amount", "received_amount", "occurred_on", "confirm_far_future",
                   "description", "form_token"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("from_account", "to_account"):
            self.fields[name].queryset = _open_accounts(user)
            self.fields[name].owned_queryset = _all_accounts(user)
        self.initial.setdefault("occurred_on", user_today(user))


class TransactionEditForm(FarFutureConfirmMixin, forms.Form):
    """Amount, date and description of any entry; also category and account of an
    income or expense (a transfer's two legs change together)."""

    account = AccountChoiceField(label=_("Account"), queryset=Account.objects.none())
    amount = money_field()
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    occurred_on = date_field()
    payee = payee_field()
    description = description_field()

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
            # The categories for this kind of entry, and the entry's own even if hidden or of another kind.
            self.fields["category"].queryset = Category.objects.for_user(user).filter(
                Q(pk__in=Category.objects.usable_by(user).for_entry_kind(entry.kind)) | Q(pk=entry.category_id))
            self.fields["category"].owned_queryset = Category.objects.for_user(user)
            if entry.split_id is not None:
                # Each part has its amount and category, changed where the entry is split.
                del self.fields["amount"]
                del self.fields["category"]
        else:
            del self.fields["account"]
            del self.fields["category"]
            del self.fields["payee"]
            sent, arrived = transfer_legs(entry) if entry.transfer_id else (None, None)
            if sent is not None and sent.account.currency != arrived.account.currency:
                # Between two currencies: what left one account and what arrived in the other,
                # whichever of its two lines the customer opened.
                self.initial.update(amount=sent.amount, received_amount=arrived.amount)
                self.fields["amount"].label = _("Amount sent (%(currency)s)") % {"currency": sent.account.currency}
                self.fields["received_amount"] = money_field(
                    label=_("Amount that arrived (%(currency)s)") % {"currency": arrived.account.currency})
                self.order_fields(["amount", "received_amount", "occurred_on", "confirm_far_future", "description"])


class SplitPartForm(forms.Form):
    """One part of a split entry: its amount and its category. A row left empty is no part."""

    amount = money_field(required=False)
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False,
                                   empty_label=_("Choose a category"))

    def __init__(self, *args, user, categories: list[Category], **kwargs):
        """``categories``: what a part may have (selectors.split_choices), read once for all rows."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.for_user(user).filter(pk__in=[c.pk for c in categories])
        self.fields["category"].owned_queryset = Category.objects.for_user(user)
        offer(self.fields["category"], categories)

    def clean(self):
        data = super().clean()
        amount, category = data.get("amount"), data.get("category")
        if amount is not None and category is None and "category" not in self.errors:
            self.add_error("category", _("Choose a category for this part."))
        if category is not None and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter this part's amount."))
        return data

    @property
    def is_part(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("amount") is not None


class BaseSplitFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.is_part for form in self.forms):
            raise ValidationError(_("Give at least one part: its amount and its category."))

    @property
    def parts(self) -> list[tuple]:
        return [(form.cleaned_data["amount"], form.cleaned_data["category"]) for form in self.forms if form.is_part]


def split_formset(*, max_parts: int):
    # absolute_max: a tampered TOTAL_FORMS builds at most this many forms (validate_max names it).
    return forms.formset_factory(SplitPartForm, formset=BaseSplitFormSet, extra=0, max_num=max_parts,
                                 absolute_max=max_parts, validate_max=True)


def colour_field():
    return forms.ChoiceField(label=_("Colour"), choices=[("", _("No colour (automatic)")), *CATEGORY_COLOURS],
                             required=False, help_text=_("Charts draw the category in this colour."))


def category_kind_field():
    # Not required: a form without it (an older page, a script) means "both", the service's default.
    return forms.ChoiceField(label=_("Used for"), choices=CategoryKind.choices, initial=CategoryKind.BOTH,
                             required=False,
                             help_text=_("Income forms offer income categories, expense forms expense ones."))


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("New category"), max_length=50,
                           error_messages={"required": _("Enter a name for the category.")})
    kind = category_kind_field()
    colour = colour_field()


class CategoryEditForm(forms.Form):
    """The user's own category: name, kind, colour. A default one: a new name (it becomes the
    user's own category, see services.categories) and the colour; its kind is everyone's."""

    name = forms.CharField(label=_("Name"), max_length=50,
                           error_messages={"required": _("Enter a name for the category.")})
    kind = category_kind_field()
    colour = colour_field()

    def __init__(self, *args, category: Category, **kwargs):
        super().__init__(*args, **kwargs)
        if category.is_default:
            del self.fields["kind"]
            self.fields["name"].help_text = _(
                "This category is one every customer has: a new name gives you your own category with that name, "
                "and your entries, budgets, bills and rules move to it.")


class CategoryMoveForm(forms.Form):
    """Where a category's entries (and budgets, bills, rules) go: merging, or deleting one in use."""

    target = CategoryChoiceField(label=_("Move everything to"), queryset=Category.objects.none(),
                                 empty_label=_("Choose a category"),
                                 error_messages={"required": _("Choose the category that takes them.")})

    def __init__(self, *args, user, source: Category, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Category.objects.usable_by(user).exclude(pk=source.pk).order_by("name")
        self.fields["target"].owned_queryset = Category.objects.for_user(user)
        self.fields["target"].required = required


class BalanceCheckForm(forms.Form):
    """The account page's "Compare with your bank": a day, and the balance the bank shows for
    its end (read as the customer writes money: "1.234,56" in German)."""

    on = date_field(label=_("Day"))
    # Copied from the bank's page, it may have thousands separators.
    bank_balance = money_field(label=_("Balance at your bank"), min_value=None, allow_grouping=True)

    def __init__(self, *args, account: Account, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.account, self.today = account, today
        self.fields["on"].widget.attrs.update(min=account.opened_on.isoformat(), max=today.isoformat())

    def clean_on(self):
        day = self.cleaned_data["on"]
        try:
            check_day_clean(account=self.account, day=day, today=self.today)
        except ValidationError as error:
            raise ValidationError(error.message_dict["on"]) from None
        return day


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a receipt or an invoice"),
        error_messages={"required": _("Choose a file to keep."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF or a photo (JPEG, PNG or WebP), up to %(size)s MB; at most "
                                          "%(count)s per entry.") % {"size": ATTACHMENT_MAX_BYTES // (1024 * 1024),
                                                                     "count": ATTACHMENTS_PER_ENTRY}
