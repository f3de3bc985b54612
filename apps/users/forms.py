from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from apps.core.dates import time_zone_choices
from apps.core.forms import CurrencyField

from . import services
from .models import User, default_currency, default_time_zone


class NormalEmailField(forms.EmailField):
    """An email address read in its normal form (UserManager.normalize_email) before it is
    validated: what the login, the reset and the registration look up or store."""

    def to_python(self, value):
        return User.objects.normalize_email(super().to_python(value))


class RegistrationForm(forms.Form):
    """What a new customer types; apps.users.services.customer_register checks the address,
    the time zone and the currency. Whether the address is taken is not the form's business
    (no model or constraint validation here): the page answers the same either way, and the
    email that follows tells the address's owner."""

    email = NormalEmailField(
        label="Email address", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    display_name = forms.CharField(label="Display name", max_length=150)
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial=default_time_zone)
    default_currency = CurrencyField(label="Currency", initial=default_currency)
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

    def clean_email(self):
        try:
            return services.registration_email_clean(email=self.cleaned_data["email"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["email"]) from None

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


class ActivationForm(forms.Form):
    password = forms.CharField(
        label="Password", strip=False,
        help_text="The password you chose when you registered.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class EmailAuthenticationForm(AuthenticationForm):
    """The login: the address is authenticated (and counted by the lockout) in its normal form."""

    username = NormalEmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, finding the account by an exact match on the normal form of the
    address (Django's own look-up folds case in PostgreSQL, which the login does not)."""

    email = NormalEmailField(label="Email", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email):
        normal = User.objects.normalize_email(email)
        return (user for user in User.objects.filter(email=normal, is_active=True) if user.has_usable_password())


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
