from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.forms import CurrencyField

from . import services
from .locales import Locale
from .models import User, default_currency, default_time_zone
from .time_zones import current_time_zones, is_current_time_zone

TIME_ZONE_LIST_ID = "time-zone-names"


class TimeZoneField(forms.CharField):
    """A current IANA time zone (apps.users.time_zones), typed or picked from the page's
    <datalist id="time-zone-names"> (type "Paris" and the browser offers "Europe/Paris").
    A legacy alias ("US/Pacific") or an unknown name is refused, and the page keeps what
    was typed beside the error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Time zone"))
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", gettext_lazy("Start typing a city, for example Paris or Los Angeles, and "
                                                    "pick it from the list."))
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "list": TIME_ZONE_LIST_ID, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and not is_current_time_zone(value):
            raise ValidationError(_("“%(value)s” is not a time zone we offer: choose one from the list, for "
                                    "example Europe/Paris or America/Los_Angeles.") % {"value": value[:40]},
                                  code="invalid")


def time_zone_names() -> tuple[str, ...]:
    """The names the <datalist> offers (the pages render it beside the field)."""
    return current_time_zones()


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
        label=gettext_lazy("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=150)
    time_zone = TimeZoneField(initial=default_time_zone, widget=forms.TextInput(attrs={
        "list": TIME_ZONE_LIST_ID, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "off",
        # static/js/register-timezone.js puts the browser's zone here when it is in the list.
        "data-browser-time-zone": "true"}))
    default_currency = CurrencyField(label=gettext_lazy("Currency"), initial=default_currency)
    # Optional: the page preselects the browser's (Accept-Language); an empty value means that one.
    locale = forms.ChoiceField(label=gettext_lazy("Number and date format"), choices=Locale.choices, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Confirm password"),
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
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            probe = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ActivationForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"), strip=False,
        help_text=gettext_lazy("The password you chose when you registered."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class EmailAuthenticationForm(AuthenticationForm):
    """The login: the address is authenticated (and counted by the lockout) in its normal form."""

    username = NormalEmailField(
        label=gettext_lazy("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, finding the account by an exact match on the normal form of the
    address (Django's own look-up folds case in PostgreSQL, which the login does not)."""

    email = NormalEmailField(label=gettext_lazy("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email):
        normal = User.objects.normalize_email(email)
        return (user for user in User.objects.filter(email=normal, is_active=True) if user.has_usable_password())


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Authentication code"),
        max_length=32,
        help_text=gettext_lazy("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off",
                   "spellcheck": "false"}
        ),
    )


class TOTPConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your app"),
        max_length=10,
        help_text=gettext_lazy("Enter the 6-digit code your authenticator app shows for BankDash."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*"}),
    )


class ProfileSettingsForm(forms.Form):
    """The settings page's profile block; apps.users.services.profile_update checks it again."""

    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=150,
                                   widget=forms.TextInput(attrs={"autocomplete": "nickname"}))
    default_currency = CurrencyField(
        label=gettext_lazy("Default currency"),
        help_text=gettext_lazy("New accounts start in this currency; totals are shown in it first."))
    time_zone = TimeZoneField(help_text=gettext_lazy("“Today” on every page is today in this zone. Start typing a "
                                                     "city, for example Paris or Los Angeles, and pick it from the "
                                                     "list."))
    locale = forms.ChoiceField(label=gettext_lazy("Number and date format"), choices=Locale.choices)


class EmailChangeForm(forms.Form):
    new_email = NormalEmailField(
        label=gettext_lazy("New email address"), max_length=254,
        help_text=gettext_lazy("We send a link to this address; your address changes when you open it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=gettext_lazy("Current password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
