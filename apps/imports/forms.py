"""Import forms: the upload, and the CSV column mapping."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Account
from apps.core.forms import OwnedModelChoiceField

from .models import MappingProfile
from .parsers import MAX_FILE_BYTES
from .parsers.common import DATE_FORMATS
from .parsers.csv_file import ROLES

DATE_FORMAT_CHOICES = [("auto", gettext_lazy("Detect it from the file")), *DATE_FORMATS.items()]
DECIMAL_CHOICES = [("auto", gettext_lazy("Detect it from the file")), (".", gettext_lazy("Point: 1,234.56")),
                   (",", gettext_lazy("Comma: 1.234,56"))]
MAX_MEGABYTES = MAX_FILE_BYTES // (1024 * 1024)


def _file_help() -> str:
    return _("CSV, OFX/QFX, QIF or CAMT.053, up to %(size)s MB.") % {"size": MAX_MEGABYTES}


class AccountField(OwnedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.currency})"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Statement file"),
        help_text=lazy(_file_help, str)(),
        error_messages={"required": gettext_lazy("Choose a file to import."),
                        "empty": gettext_lazy("This file is empty.")},
    )
    account = AccountField(queryset=Account.objects.none(), required=False,
                           label=gettext_lazy("Account"),
                           empty_label=gettext_lazy("The file names the account of each row"),
                           help_text=gettext_lazy("The account the statement belongs to. Leave it empty for a file "
                                                  "that names the account on every row (or an OFX/CAMT file whose "
                                                  "account number matches one of yours)."))
    profile = forms.ModelChoiceField(queryset=MappingProfile.objects.none(), required=False,
                                     label=gettext_lazy("Saved column mapping (CSV)"),
                                     empty_label=gettext_lazy("Find it from the file's columns"),
                                     help_text=gettext_lazy("Leave it empty: a mapping saved for the same columns is "
                                                            "used."))
    date_format = forms.ChoiceField(choices=DATE_FORMAT_CHOICES, initial="auto", label=gettext_lazy("Date format"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(owner=user, closed_on__isnull=True)
        self.fields["account"].owned_queryset = Account.objects.filter(owner=user)
        self.fields["profile"].queryset = MappingProfile.objects.filter(owner=user)
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.tsv,.ofx,.qfx,.qif,.xml"


class MappingForm(forms.Form):
    """One select per role, offering the file's columns."""

    date_format = forms.ChoiceField(choices=DATE_FORMAT_CHOICES, initial="auto", label=gettext_lazy("Date format"))
    decimal = forms.ChoiceField(choices=DECIMAL_CHOICES, initial="auto", label=gettext_lazy("Decimal separator"))
    statement_account = AccountField(
        queryset=Account.objects.none(), required=False, label=gettext_lazy("The file's account"),
        empty_label=gettext_lazy("The account column names it"),
        help_text=gettext_lazy("For a file of one account. Leave it empty if you chose an account column."))
    profile_name = forms.CharField(max_length=100, required=False, label=gettext_lazy("Save this mapping as"),
                                   help_text=gettext_lazy("A name, to use these columns again for the next file like "
                                                          "this one."))

    def __init__(self, *args, user, header, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), name or _("Column %(number)s") % {"number": i + 1}) for i, name in enumerate(header)]
        roles = {role: forms.ChoiceField(choices=choices, required=False, label=label)
                 for role, label in ROLES.items()}
        self.fields = {**roles, **self.fields}
        self.fields["statement_account"].queryset = Account.objects.filter(owner=user, closed_on__isnull=True)
        self.fields["statement_account"].owned_queryset = Account.objects.filter(owner=user)

    def roles(self) -> dict:
        return {role: self.cleaned_data[role] for role in ROLES if self.cleaned_data.get(role) not in (None, "")}
