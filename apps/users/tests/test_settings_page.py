"""The settings page (/settings/): the profile block (name, currency, time zone, number and
date format), the email change confirmed from the new address, the registration's browser
preselection. Emails go to Django's locmem outbox once their transaction commits."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.dates import user_today
from apps.users import services
from apps.users.models import User
from apps.users.time_zones import current_time_zones, is_current_time_zone
from tests.clock import NOW
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = {"display_name": "Ada Lovelace", "default_currency": "EUR", "time_zone": "Europe/Berlin",
           "locale": "de-DE"}


@pytest.fixture
def customer(client):
    user = UserFactory(email="ada@example.com", display_name="Ada", time_zone="UTC", default_currency="USD")
    client.force_login(user)
    return user


# --- the time zone list -------------------------------------------------------

def test_the_offered_zones_are_current_names_without_legacy_aliases():
    zones = current_time_zones()
    assert {"Europe/Paris", "America/Los_Angeles", "Asia/Kolkata", "Europe/Kyiv", "UTC"} <= set(zones)
    for alias in ("US/Pacific", "Asia/Calcutta", "Europe/Kiev", "Etc/GMT+5", "EST5EDT", "Canada/Eastern", "GB"):
        assert alias not in zones
        assert not is_current_time_zone(alias)
    assert not any(zone.startswith(("Etc/", "US/", "SystemV/", "Canada/")) for zone in zones)
    assert list(zones) == sorted(zones)


# --- the profile block ----------------------------------------------------------

def test_the_user_menu_links_to_the_settings_page(client, customer):
    response = client.get(reverse("dashboard:home"))
    assert f'href="{reverse("settings")}"'.encode() in response.content


def test_settings_saved_and_shown(client, customer):
    page = client.get(reverse("settings"))
    assert page.status_code == 200
    assert b'list="time-zone-names"' in page.content and b'<option value="Europe/Paris">' in page.content
    assert b'href="/password_change/"' in page.content and reverse("two_factor").encode() in page.content
    response = client.post(reverse("settings"), PROFILE, follow=True)
    assert response.redirect_chain == [(reverse("settings"), 302)]
    assert "Ihre Einstellungen wurden gespeichert." in response.content.decode()  # in the German just chosen
    customer.refresh_from_db()
    assert (customer.display_name, customer.default_currency, customer.time_zone, customer.locale) == (
        "Ada Lovelace", "EUR", "Europe/Berlin", "de-DE")
    form = response.context["profile_form"]
    assert form["time_zone"].value() == "Europe/Berlin"
    assert form["locale"].value() == "de-DE"
    assert form["default_currency"].value() == "EUR"
    assert b'value="Ada Lovelace"' in response.content
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROFILE_CHANGED, actor=customer)
    assert event.details["changes"]["time_zone"] == ["UTC", "Europe/Berlin"]
    assert event.details["changes"]["locale"] == ["en-US", "de-DE"]


@pytest.mark.parametrize("zone", ["Mars/Base", "US/Pacific", "Asia/Calcutta", "Etc/GMT+5"])
def test_a_bad_or_legacy_zone_is_refused_keeping_what_was_typed(client, customer, zone):
    response = client.post(reverse("settings"), {**PROFILE, "time_zone": zone})
    assert response.status_code == 400
    form = response.context["profile_form"]
    assert "is not a time zone we offer" in form.errors["time_zone"][0]
    assert f'value="{zone}"'.encode() in response.content  # kept as typed
    assert b'value="Ada Lovelace"' in response.content
    customer.refresh_from_db()
    assert (customer.time_zone, customer.display_name) == ("UTC", "Ada")


def test_the_service_refuses_a_legacy_zone_and_an_unknown_locale(customer):
    with pytest.raises(Exception, match="not a time zone we offer"):
        services.profile_update(user=customer, **{**PROFILE, "time_zone": "US/Pacific"})
    with pytest.raises(Exception, match="not a format we offer"):
        services.profile_update(user=customer, **{**PROFILE, "locale": "fr-FR"})
    with pytest.raises(Exception, match="Enter the name"):
        services.profile_update(user=customer, **{**PROFILE, "display_name": "   "})


def test_bad_currency_and_locale_show_errors(client, customer):
    response = client.post(reverse("settings"), {**PROFILE, "default_currency": "XYZ", "locale": "xx-XX"})
    assert response.status_code == 400
    errors = response.context["profile_form"].errors
    assert "default_currency" in errors and "locale" in errors
    customer.refresh_from_db()
    assert customer.default_currency == "USD"


def test_a_changed_time_zone_moves_today_at_once(client, customer, time_machine):
    # 23:30 UTC on 15 December: still the 15th in London, already the 16th in Tokyo.
    time_machine.move_to(NOW.replace(hour=23, minute=30), tick=False)
    customer.time_zone = "Europe/London"
    customer.save(update_fields=["time_zone"])
    client.post(reverse("settings"), {**PROFILE, "time_zone": "Europe/London"})
    assert user_today(User.objects.get(pk=customer.pk)) == NOW.date()
    client.post(reverse("settings"), {**PROFILE, "time_zone": "Asia/Tokyo"})
    assert user_today(User.objects.get(pk=customer.pk)) == NOW.date() + timedelta(days=1)
    # The next page the customer opens reads the new zone (the request's user is reloaded).
    response = client.get(reverse("settings"))
    assert user_today(response.wsgi_request.user) == NOW.date() + timedelta(days=1)


# --- registration: the browser's zone and language ------------------------------------

def test_registration_preselects_locale_from_accept_language_and_loads_the_zone_script(client):
    response = client.get(reverse("register"), HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9,en;q=0.5")
    assert response.context["form"]["locale"].value() == "de-DE"
    assert b'src="/static/js/register-timezone.js"' in response.content
    assert b"data-browser-time-zone" in response.content and b'<datalist id="time-zone-names">' in response.content
    assert b"<script>" not in response.content  # strict CSP: no inline script
    british = client.get(reverse("register"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert british.context["form"]["locale"].value() == "en-GB"


def test_registration_stores_the_locale_of_the_browser_when_none_is_chosen(client, django_capture_on_commit_callbacks):
    data = {"email": "neu@example.com", "display_name": "Neu", "time_zone": "Europe/Berlin", "default_currency": "EUR",
            "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), data, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert User.objects.get(email="neu@example.com").locale == "de-DE"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), {**data, "email": "gb@example.com", "locale": "en-GB"},
                    HTTP_ACCEPT_LANGUAGE="de-DE")
    assert User.objects.get(email="gb@example.com").locale == "en-GB"


def test_registration_refuses_a_legacy_zone(client):
    response = client.post(reverse("register"), {
        "email": "x@example.com", "display_name": "X", "time_zone": "US/Pacific", "default_currency": "USD",
        "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"})
    assert "time_zone" in response.context["form"].errors
    assert b'value="US/Pacific"' in response.content
    assert not User.objects.filter(email="x@example.com").exists()


# --- the email change -----------------------------------------------------------

def ask_for(client, captured, new_email="Ada.New@Example.com", password=PASSWORD):
    with captured(execute=True):
        return client.post(reverse("email_change"), {"new_email": new_email, "password": password}, follow=True)


def link_in(message):
    return next(word for word in message.body.split() if "/settings/email/confirm/" in word).split("testserver", 1)[1]


def test_the_link_goes_to_the_new_address_and_nothing_changes_before_it_is_opened(
        client, customer, django_capture_on_commit_callbacks):
    response = ask_for(client, django_capture_on_commit_callbacks)
    assert b"We sent a link to ada.new@example.com" in response.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada.new@example.com"]
    assert mail.outbox[0].subject == "Confirm your new BankDash email address"
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"
    path = link_in(mail.outbox[0])
    # Opening the page changes nothing: a mail scanner that follows links moves nothing.
    page = client.get(path)
    assert page.status_code == 200 and b"ada.new@example.com" in page.content
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path, follow=True)
    assert b"Your email address is now ada.new@example.com." in done.content
    customer.refresh_from_db()
    assert customer.email == "ada.new@example.com"
    notice = mail.outbox[1]
    assert notice.to == ["ada@example.com"]
    assert notice.subject == "Your BankDash email address was changed"
    assert "ada.new@example.com" in notice.body
    event = AuditEvent.objects.get(action=AuditEvent.Action.EMAIL_CHANGED)
    assert event.actor_id == customer.pk
    assert event.details == {"old_email": "ada@example.com", "new_email": "ada.new@example.com"}
    # The old address no longer logs in; the new one does.
    client.logout()
    assert not client.login(username="ada@example.com", password=PASSWORD)
    assert client.login(username="ada.new@example.com", password=PASSWORD)


def test_the_link_works_logged_out_and_only_once(client, customer, django_capture_on_commit_callbacks):
    ask_for(client, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 200 and b"Your email address is changed" in response.content
    assert User.objects.get(pk=customer.pk).email == "ada.new@example.com"
    again = client.post(path)
    assert again.status_code == 400
    assert b"already been used" in again.content
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED).count() == 1


def test_a_forged_or_expired_link_is_refused(client, customer, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(NOW, tick=False)
    ask_for(client, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = client.post(reverse("email_change_confirm", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")]))
    assert forged.status_code == 400 and b"This link is not valid" in forged.content
    time_machine.move_to(NOW + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1), tick=False)
    expired = client.get(path)
    assert expired.status_code == 400 and b"This link has expired" in expired.content
    assert client.post(path).status_code == 400
    assert User.objects.get(pk=customer.pk).email == "ada@example.com"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EMAIL_CHANGED).exists()


def test_wrong_password_and_same_address_are_refused_keeping_what_was_typed(
        client, customer, django_capture_on_commit_callbacks):
    response = ask_for(client, django_capture_on_commit_callbacks, password="not-my-password")
    assert response.status_code == 400
    assert "not your current password" in response.context["email_form"].errors["password"][0]
    assert b'value="Ada.New@Example.com"' in response.content  # as typed
    same = ask_for(client, django_capture_on_commit_callbacks, new_email="ADA@example.com")
    assert "already your address" in same.context["email_form"].errors["new_email"][0]
    assert mail.outbox == []


def test_a_taken_address_is_told_to_its_owner_not_to_the_asker(client, customer, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.com")
    response = ask_for(client, django_capture_on_commit_callbacks, new_email="taken@example.com")
    assert b"We sent a link to taken@example.com" in response.content  # the same answer as a free address
    assert mail.outbox[0].to == ["taken@example.com"]
    assert "already has a BankDash profile" in mail.outbox[0].body
    assert "/settings/email/confirm/" not in mail.outbox[0].body


def test_a_link_to_an_address_taken_since_is_refused(client, customer, django_capture_on_commit_callbacks):
    ask_for(client, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    UserFactory(email="ada.new@example.com")
    response = client.post(path)
    assert response.status_code == 400 and b"now belongs to another profile" in response.content
    assert User.objects.get(pk=customer.pk).email == "ada@example.com"


def test_email_change_requests_are_throttled(client, customer, django_capture_on_commit_callbacks):
    limit, _window = services.EMAIL_CHANGE_RATE_LIMIT
    for n in range(limit):
        ask_for(client, django_capture_on_commit_callbacks, new_email=f"n{n}@example.com")
    assert len(mail.outbox) == limit
    response = ask_for(client, django_capture_on_commit_callbacks, new_email="one-more@example.com")
    assert response.status_code == 429
    assert b"Too many address changes" in response.content
    assert len(mail.outbox) == limit


def test_an_address_with_non_latin_letters_is_refused_beside_the_field(
        client, customer, django_capture_on_commit_callbacks):
    response = ask_for(client, django_capture_on_commit_callbacks, new_email="sısi@example.com")
    assert response.status_code == 400
    assert "plain letters" in response.context["email_form"].errors["new_email"][0]
    assert mail.outbox == []


@pytest.mark.parametrize(("header", "currency"), [
    ("de-DE,de;q=0.9", "EUR"), ("de-CH,de;q=0.9", "CHF"), ("en-GB,en;q=0.8", "GBP"), ("en-US,en;q=0.9", "USD"),
    ("de", "EUR"),  # a bare language: the country it is most spoken in
    ("fr-FR;q=0.5,en-IE", "EUR"),  # the browser's first choice by quality
    ("x-klingon, *", "USD"), ("", "USD"),  # nothing to go by: the site's default
])
def test_registration_suggests_the_currency_of_the_browsers_country(client, settings, header, currency):
    settings.DEFAULT_CURRENCY = "USD"
    response = client.get(reverse("register"), HTTP_ACCEPT_LANGUAGE=header)
    assert response.context["form"]["default_currency"].value() == currency
    # Picked from the list of currencies, by code and name (in the page's language).
    selected = re.findall(r'<option value="([A-Z]{3})" selected>([^<]*)</option>', response.content.decode())
    assert selected == [(currency, {"EUR": "EUR – Euro", "CHF": "CHF – Schweizer Franken", "GBP": "GBP – British Pound",
                                    "USD": "USD – US Dollar"}[currency])]


def test_a_german_customer_registers_with_euros_unless_they_type_another(client, django_capture_on_commit_callbacks):
    page = client.get(reverse("register"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    data = {"email": "eur@example.com", "display_name": "Eur", "time_zone": "Europe/Berlin",
            "default_currency": page.context["form"]["default_currency"].value(),
            "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("register"), data, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
        client.post(reverse("register"), {**data, "email": "usd@example.com", "default_currency": "usd"},
                    HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert User.objects.get(email="eur@example.com").default_currency == "EUR"
    assert User.objects.get(email="usd@example.com").default_currency == "USD"
