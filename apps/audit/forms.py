from decimal import Decimal

from django import forms

from apps.accounts.models import Account
from apps.core.forms import MoneyField


class CorrectionForm(forms.Form):
    """A staff correction: a signed amount on one account, with the reason on record."""

    account = forms.IntegerField(label="Account ID", min_value=1)
    amount = MoneyField(
        min_value=None,
        help_text="Positive to credit the account, negative to debit it (for example -10.15).",
    )
    reason = forms.CharField(
        max_length=255, min_length=10, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Shown on the customer's ledger entry and kept in the audit trail.",
    )

    def clean_account(self):
        pk = self.cleaned_data["account"]
        account = Account.objects.select_related("owner").filter(pk=pk).first()
        if account is None:
            raise forms.ValidationError("There is no account with this ID.")
        self.account_obj = account
        return pk

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == Decimal(0):
            raise forms.ValidationError("A correction of zero changes nothing.")
        return amount

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 10:
            raise forms.ValidationError("Explain the correction in at least 10 characters.")
        return reason
