"""Registration, login, logout, redirects and password pages."""

from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils.http import urlencode

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


def register(client, django_capture_on_commit_callbacks, ip="127.0.0.1", **changes):
    """Post the registration form; the emails go once its transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("register"), {**REGISTRATION, **changes}, follow=True, REMOTE_ADDR=ip)


def link_in(message, path_start):
    return next(word for word in message.body.split() if path_start in word).split("testserver", 1)[1]


def test_registration_emails_a_link_that_activates_and_logs_in(client, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks)
    assert response.redirect_chain == [(reverse("register_done"), 302)]
    assert b"Check your email" in response.content
    assert logged_in_user_id(client) is None
    user = User.objects.get(email="reg.user@example.com")
    assert not user.is_active  # until the link is followed
    assert list(user.groups.values_list("name", flat=True)) == [CUSTOMER]
    assert user.display_name == "Reg User"
    assert user.time_zone == "Europe/Berlin"
    assert user.default_currency == "EUR"
    # Stored hashed, never in clear.
    assert "a-long-unusual-passphrase" not in user.password
    assert user.check_password("a-long-unusual-passphrase")
    [message] = mail.outbox
    assert message.to == ["reg.user@example.com"]
    assert message.subject == "Finish creating your BankDash account"
    assert "a-long-unusual-passphrase" not in message.body

    link = link_in(message, "/activate/")
    page = client.get(link)
    assert page.status_code == 200
    assert "Activate my account" in page.content.decode()
    assert not User.objects.get(pk=user.pk).is_active  # opening the link (a mail scanner) activates nothing
    wrong = client.post(link, {"password": "not-the-one-I-chose"})
    assert "That is not the password chosen" in wrong.content.decode()
    assert not User.objects.get(pk=user.pk).is_active
    response = client.post(link, {"password": "a-long-unusual-passphrase"}, follow=True)
    assert response.redirect_chain == [(reverse("dashboard:home"), 302)]
    assert b"Welcome to BankDash, Reg User!" in response.content
    assert str(logged_in_user_id(client)) == str(user.pk)
    assert User.objects.get(pk=user.pk).is_active
    # The link works once.
    client.post(reverse("logout"))
    again = client.post(link, {"password": "a-long-unusual-passphrase"})
    assert "This link does not work" in again.content.decode()
    assert logged_in_user_id(client) is None


def test_an_unactivated_account_cannot_log_in(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    client.post(reverse("login"), {"username": "reg.user@example.com", "password": "a-long-unusual-passphrase"})
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("link", ["/activate/MQ/bad-token/", "/activate/!!!/x/", "/activate/OTk5OTk/x-y/"])
def test_a_bad_activation_link_says_so(client, link):
    response = client.post(link)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(client, django_capture_on_commit_callbacks):
    owner = UserFactory(email="reg.user@example.com", display_name="First Owner")
    free = register(client, django_capture_on_commit_callbacks, email="free@example.com")
    taken = register(client, django_capture_on_commit_callbacks, email="REG.USER@EXAMPLE.COM",
                     display_name="Intruder", password1="another-passphrase-1", password2="another-passphrase-1")
    assert taken.redirect_chain == free.redirect_chain == [(reverse("register_done"), 302)]
    assert taken.content == free.content
    owner.refresh_from_db()
    assert owner.display_name == "First Owner" and owner.check_password(PASSWORD) and owner.is_active
    assert User.objects.filter(email="reg.user@example.com").count() == 1
    free_mail, taken_mail = mail.outbox
    assert free_mail.to == ["free@example.com"]
    assert taken_mail.to == ["reg.user@example.com"]
    assert taken_mail.subject == "Someone tried to register your address with BankDash"
    assert "http://testserver/password_reset/" in taken_mail.body
    assert "/activate/" not in taken_mail.body


def test_registering_a_pending_address_again_sends_a_new_link(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    register(client, django_capture_on_commit_callbacks, password1="changed-passphrase-9",
             password2="changed-passphrase-9")
    first, second = mail.outbox
    assert second.subject == "Your BankDash activation link, again"
    user = User.objects.get(email="reg.user@example.com")
    # The latest registration's details replace the pending ones; the first link is dead.
    assert user.check_password("changed-passphrase-9")
    client.post(link_in(first, "/activate/"), {"password": "a-long-unusual-passphrase"})
    assert logged_in_user_id(client) is None
    client.post(link_in(second, "/activate/"), {"password": "changed-passphrase-9"})
    assert str(logged_in_user_id(client)) == str(user.pk)


def test_registrations_are_limited_per_ip(client, settings, django_capture_on_commit_callbacks):
    settings.REGISTRATION_RATE_LIMIT = (3, settings.REGISTRATION_RATE_LIMIT[1])
    for n in range(3):
        response = register(client, django_capture_on_commit_callbacks, email=f"new{n}@example.com")
        assert response.redirect_chain == [(reverse("register_done"), 302)]
    response = client.post(reverse("register"), {**REGISTRATION, "email": "new9@example.com"})
    assert response.status_code == 429
    assert "Too many registrations from your network. Please wait an hour" in response.content.decode()
    assert 'value="Reg User"' in response.content.decode()
    assert not User.objects.filter(email="new9@example.com").exists()
    # Invalid posts count too; another address is not concerned.
    assert client.post(reverse("register"), {"email": "x"}).status_code == 429
    other = client.post(reverse("register"), {**REGISTRATION, "email": "new9@example.com"}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_emails_to_a_taken_address_are_limited(client, settings, django_capture_on_commit_callbacks):
    settings.REGISTRATION_RATE_LIMIT = (2, settings.REGISTRATION_RATE_LIMIT[1])
    UserFactory(email="reg.user@example.com")
    for n in range(4):
        response = register(client, django_capture_on_commit_callbacks, ip=f"192.0.2.{n}")
        assert response.redirect_chain == [(reverse("register_done"), 302)]
    assert len(mail.outbox) == 2


def assert_form_error_keeps_input(response, field, message):
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    html = response.content.decode()
    assert message.replace("’", "&#x27;") in html or message in html
    assert 'value="Reg User"' in html  # what the user typed is still there
    assert "a-long-unusual-passphrase" not in html  # ...but passwords are never echoed back
    assert logged_in_user_id(response.client) is None


@pytest.mark.parametrize("email", ["jorg@b\u00fccher.de", "k\u0131si@example.com", "KIS\u0131@EXAMPLE.COM"],
                         ids=["accented domain", "dotless i", "dotless i in capitals"])
def test_a_non_ascii_address_is_refused_with_a_clear_message(client, email):
    response = client.post(reverse("register"), {**REGISTRATION, "email": email})
    assert_form_error_keeps_input(response, "email", "plain letters (a-z)")
    assert not User.objects.exists()


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


def test_registration_race_on_the_same_email_answers_the_same(client, django_capture_on_commit_callbacks):
    """Both requests find the address free; the unique index refuses the second one, which
    then answers like any taken address."""
    UserFactory(email="reg.user@example.com", display_name="First")
    with mock.patch.object(User.objects, "filter") as lookup:
        lookup.return_value.first.return_value = None  # looked before the other request committed
        response = register(client, django_capture_on_commit_callbacks)
    assert response.redirect_chain == [(reverse("register_done"), 302)]
    assert User.objects.get().display_name == "First"
    [message] = mail.outbox
    assert message.subject == "Someone tried to register your address with BankDash"


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


@pytest.mark.parametrize("path", ["/logout/", "/session/idle-logout/", "/logout/?x=1"])
def test_logging_in_from_the_logout_address_goes_to_the_dashboard_not_back_to_it(client, path):
    user = UserFactory()
    assert client.get(path).status_code in (302, 405)  # a bookmark of it, opened logged out
    response = client.post(f"/login/?{urlencode({'next': path})}", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    assert str(logged_in_user_id(client)) == str(user.pk)
    # Any other page of ours is still where the login leads.
    client.post(reverse("logout"))
    response = client.post("/login/?next=/budgets/", {"username": user.email, "password": PASSWORD})
    assert response.url == "/budgets/"


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

PUBLIC = {"health", "login", "register", "register_done", "activate", "password_reset", "password_reset_done",
          "password_reset_confirm", "password_reset_complete", "login_verify", "favicon",
          # An email's signed unsubscribe link works without signing in (a forged token: 400).
          "unsubscribe", "digest_unsubscribe",
          # The web push service worker: a browser fetches it as a script, with no session.
          "push_service_worker",
          # The email change's signed link works logged out (a forged token: 400); the goodbye
          # page after closing a profile (profile:closed) is shown once the session is gone.
          "email_change_confirm", "closed",
          # The page's own logout after the idle warning went unanswered (a POST): the
          # server's session may have ended first (apps.users.views.session).
          "idle_logout"}


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


# (The signed-link pages need a token: their own tests open them without signing in.)
@pytest.mark.parametrize("name", sorted(PUBLIC - {"password_reset_confirm", "activate", "login_verify", "favicon",
                                                  "health", "unsubscribe", "digest_unsubscribe",
                                                  "push_service_worker", "email_change_confirm", "closed",
                                                  "idle_logout"}))
def test_public_pages_are_public(client, name):
    assert client.get(reverse(name)).status_code == 200
