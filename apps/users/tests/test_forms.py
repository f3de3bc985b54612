import pytest

from apps.users.forms import EmailAuthenticationForm, RegistrationForm
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "new@example.com",
    "display_name": "New Person",
    "time_zone": "Europe/Paris",
    "default_currency": "eur",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def test_valid_form_normalises_email_and_currency():
    form = RegistrationForm(data={**GOOD, "email": " New@Example.COM "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "new@example.com"
    assert form.cleaned_data["default_currency"] == "EUR"


def test_a_taken_address_is_not_a_form_error():
    """The page must answer the same for a taken address (the service emails its owner)."""
    UserFactory(email="taken@example.com")
    form = RegistrationForm(data={**GOOD, "email": "TAKEN@example.com"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "taken@example.com"


@pytest.mark.parametrize(("typed", "normal"), [
    ("\uff4eew@example.com", "new@example.com"),  # fullwidth n
    ("ne\u017f@example.com", "nes@example.com"),  # long s
    ("\u00a0New@Example.COM\u3000", "new@example.com"),  # no-break and ideographic spaces
])
def test_the_email_is_read_in_its_normal_form(typed, normal):
    form = RegistrationForm(data={**GOOD, "email": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == normal


@pytest.mark.parametrize("typed", ["n\u0131@example.com", "new@b\u00fccher.de"])
def test_a_non_ascii_address_is_refused(typed):
    form = RegistrationForm(data={**GOOD, "email": typed})
    assert not form.is_valid()
    assert "plain letters (a-z)" in form.errors["email"][0]


def test_the_login_form_authenticates_the_normal_form(rf):
    user = UserFactory(email="login@example.com")
    request = rf.post("/login/")
    form = EmailAuthenticationForm(request, data={"username": "\uff4cOGIN@example.com ", "password": PASSWORD})
    assert form.is_valid(), form.errors
    assert form.get_user() == user


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83749201857362", "entirely numeric"),
        ("new@example.com", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    form = RegistrationForm(data={**GOOD, "password1": password, "password2": password})
    assert not form.is_valid()
    assert any(message in error for error in form.errors["password1"]), form.errors


def test_mismatched_passwords():
    form = RegistrationForm(data={**GOOD, "password2": "something-else-entirely"})
    assert not form.is_valid()
    assert form.errors["password2"] == ["The two passwords do not match."]


@pytest.mark.parametrize("code", ["E1", "12$", "€UR", "XYZ", "ÄÖÜ"])
def test_bad_currency_code(code):
    form = RegistrationForm(data={**GOOD, "default_currency": code})
    assert not form.is_valid()
    assert "ISO 4217" in form.errors["default_currency"][0]


@pytest.mark.parametrize("zone", ["Mars/Base", "", "../../etc/passwd", "utc+2"])
def test_bad_time_zone(zone):
    form = RegistrationForm(data={**GOOD, "time_zone": zone})
    assert not form.is_valid()
    assert "time_zone" in form.errors
