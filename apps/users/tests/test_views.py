"""Registration, login, logout, redirects and password pages."""

from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from apps.users import services
from apps.users.forms import DUPLICATE_EMAIL_MESSAGE
from apps.users.models import User
from apps.users.roles import CUSTOMER
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "email": "Reg.User@Example.com",
    "display_name": "Reg User",
    "time_zone": "Europe/Berlin",
    "default_currency": "EUR",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


# --- registration ---------------------------------------------------------

def test_register_page_is_public(client):
    response = client.get(reverse("register"))
    assert response.status_code == 200
    assert b"Create your BankDash account" in response.content


def test_valid_registration_logs_in_and_lands_on_dashboard(client):
    response = client.post(reverse("register"), REGISTRATION, follow=True)
    user = User.objects.get(email="reg.user@example.com")
    assert response.redirect_chain == [(reverse("dashboard:home"), 302)]
    assert response.status_code == 200
    assert str(logged_in_user_id(client)) == str(user.pk)
    assert list(user.groups.values_list("name", flat=True)) == [CUSTOMER]
    assert user.display_name == "Reg User"
    assert user.time_zone == "Europe/Berlin"
    assert user.default_currency == "EUR"
    # Stored hashed, never in clear.
    assert "a-long-unusual-passphrase" not in user.password
    assert user.check_password("a-long-unusual-passphrase")
    assert b"Welcome to BankDash, Reg User!" in response.content


def assert_form_error_keeps_input(response, field, message):
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    html = response.content.decode()
    assert message.replace("’", "&#x27;") in html or message in html
    assert 'value="Reg User"' in html  # what the user typed is still there
    assert "a-long-unusual-passphrase" not in html  # ...but passwords are never echoed back
    assert logged_in_user_id(response.client) is None


def test_duplicate_email_in_another_case(client):
    UserFactory(email="reg.user@example.com")
    response = client.post(reverse("register"), {**REGISTRATION, "email": "REG.USER@EXAMPLE.COM"})
    assert_form_error_keeps_input(response, "email", DUPLICATE_EMAIL_MESSAGE)
    assert 'value="REG.USER@EXAMPLE.COM"' in response.content.decode()
    assert User.objects.filter(email__iexact="reg.user@example.com").count() == 1


def test_weak_password(client):
    response = client.post(reverse("register"), {**REGISTRATION, "password1": "123456", "password2": "123456"})
    assert_form_error_keeps_input(response, "password1", "This password is too short.")
    html = response.content.decode()
    assert "This password is too common." in html
    assert "This password is entirely numeric." in html
    assert not User.objects.filter(email="reg.user@example.com").exists()


def test_mismatched_passwords(client):
    response = client.post(reverse("register"), {**REGISTRATION, "password2": "another-long-passphrase"})
    assert_form_error_keeps_input(response, "password2", "The two passwords do not match.")
    assert 'value="Reg.User@Example.com"' in response.content.decode()
    assert not User.objects.exists()


def test_registration_race_on_the_same_email_is_a_form_error(client):
    """Both requests pass clean_email(); the unique index refuses the second one."""
    real = services.customer_register

    def other_request_commits_first(**kwargs):
        User.objects.create_user("reg.user@example.com", "x-other-password", display_name="First")
        return real(**kwargs)

    with mock.patch.object(services, "customer_register", other_request_commits_first):
        response = client.post(reverse("register"), REGISTRATION)
    assert_form_error_keeps_input(response, "email", DUPLICATE_EMAIL_MESSAGE)
    assert User.objects.get().display_name == "First"


def test_logged_in_user_is_sent_away_from_register(client):
    client.force_login(UserFactory())
    response = client.get(reverse("register"))
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")


# --- login and logout -----------------------------------------------------

def test_login_is_case_insensitive_on_email(client):
    user = UserFactory(email="login@example.com")
    response = client.post(reverse("login"), {"username": "  LOGIN@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")
    assert str(logged_in_user_id(client)) == str(user.pk)


def test_wrong_password_is_a_clear_error_that_keeps_the_email(client):
    UserFactory(email="login@example.com")
    response = client.post(reverse("login"), {"username": "login@example.com", "password": "nope-nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct email address and password." in html
    assert 'value="login@example.com"' in html
    assert logged_in_user_id(client) is None


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="gone@example.com", is_active=False)
    client.post(reverse("login"), {"username": "gone@example.com", "password": PASSWORD})
    assert logged_in_user_id(client) is None


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert str(logged_in_user_id(client)) == str(user.pk)  # still logged in

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert logged_in_user_id(client) is None


# --- next redirects ----------------------------------------------------------

def test_login_honours_a_local_next(client):
    UserFactory(email="next@example.com")
    page = client.get(reverse("login"), {"next": "/transactions/"})
    assert 'name="next" value="/transactions/"' in page.content.decode()
    response = client.post(
        reverse("login"), {"username": "next@example.com", "password": PASSWORD, "next": "/transactions/"}
    )
    assert response.status_code == 302
    assert response.url == "/transactions/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example.com/", "//evil.example.com/steal", "http://evil.example.com", "https:/\\evil.example.com"],
)
def test_login_never_redirects_to_another_host(client, target):
    UserFactory(email="next@example.com")
    response = client.post(reverse("login"), {"username": "next@example.com", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")


def test_logout_never_redirects_to_another_host(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"), {"next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert response.url == reverse("login")


# --- anonymous users ---------------------------------------------------------

def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/transactions/?page=2")
    assert response.status_code == 302
    assert response.url == "/login/?next=/transactions/%3Fpage%3D2"


def test_anonymous_admin_is_sent_to_the_one_login_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert b"Log in to BankDash" in response.content


# --- passwords -----------------------------------------------------------------

def test_password_reset_sends_an_email_with_a_working_link(client):
    user = UserFactory(email="forgot@example.com")
    response = client.post(reverse("password_reset"), {"email": "Forgot@Example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgot@example.com"]
    link = next(word for word in message.body.split() if "/reset/" in word)
    path = link.split("testserver", 1)[1]

    # The link works once: it leads to the set-password form, which logs nothing in but sets it.
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase")


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert response.status_code == 200
    assert b"If an account exists for that address" in response.content
    assert mail.outbox == []


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "fresh-long-passphrase", "new_password2": "fresh-long-passphrase"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("fresh-long-passphrase")
    assert logged_in_user_id(client) is not None  # the session survives the change


def test_password_change_requires_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "fresh-long-passphrase", "new_password2": "fresh-long-passphrase"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- every page is private unless it is one of the public ones ----------------------

PUBLIC = {"login", "register", "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete", "login_verify", "favicon"}


def _walk(patterns, prefix="", namespace=""):
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (f"{namespace}:" if namespace else "") + (entry.name or "")


def _concrete(route):
    import re

    samples = {"int": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x"}
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples[m.group(1) or "str"], route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\", "")


def test_every_non_public_page_sends_anonymous_users_to_login(client):
    from django.urls import get_resolver

    checked = []
    for route, name in _walk(get_resolver().url_patterns):
        if name.startswith("admin:") or name.split(":")[-1] in PUBLIC:
            continue
        path = _concrete(route)
        for method in (client.get, client.post):
            response = method(path)
            if response.get("Content-Type", "").startswith("application/json"):
                assert response.status_code in (401, 405), (name, path)  # an API answers, never redirects
                continue
            assert response.status_code == 302, (name, path, response.status_code)
            assert response.url.startswith("/login/?next="), (name, path, response.url)
        checked.append(name)
    assert {"dashboard:home", "two_factor", "password_change", "logout"} <= set(checked)
    assert len(checked) >= 15


@pytest.mark.parametrize("name", sorted(PUBLIC - {"password_reset_confirm", "login_verify", "favicon"}))
def test_public_pages_are_public(client, name):
    assert client.get(reverse(name)).status_code == 200
