from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from apps.core.dates import time_zone_choices
from apps.core.forms import CurrencyField

from .models import User, default_currency, default_time_zone

DUPLICATE_EMAIL_MESSAGE = "An account with this email address already exists."


class RegistrationForm(forms.ModelForm):
    """What a new customer types; apps.users.services.customer_register checks the time zone
    and the currency and creates the user."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial=default_time_zone)
    default_currency = CurrencyField(label="Currency", initial=default_currency)

    class Meta:
        model = User
        fields = ("email", "display_name", "time_zone", "default_currency")
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(DUPLICATE_EMAIL_MESSAGE)
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            probe = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Authentication code",
        max_length=32,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off",
                   "spellcheck": "false"}
        ),
    )


class TOTPConfirmForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        help_text="Enter the 6-digit code your authenticator app shows for BankDash.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*"}),
    )
