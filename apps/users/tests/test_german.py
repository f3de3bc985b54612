"""A German customer (locale "de-DE"), and a browser that asks for German before login: the
users app's pages, messages and emails are German."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from apps.users.models import User
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

GERMAN = "de-DE,de;q=0.9,en;q=0.5"


@pytest.fixture
def german(client):
    user = UserFactory(email="erika@example.com", display_name="Erika", time_zone="Europe/Berlin",
                       default_currency="EUR")
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    client.force_login(user)
    return user


def test_the_login_page_is_german_for_a_browser_that_asks_for_german(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=GERMAN).content.decode()
    assert '<html lang="de">' in html
    assert "Bei BankDash anmelden" in html
    assert "Passwort vergessen?" in html
    assert ">Registrieren</a>" in html
    assert "Log in to BankDash" not in html


def test_the_login_page_stays_english_for_an_english_browser(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
    assert "Log in to BankDash" in html


def test_registration_in_german_preselects_german_and_emails_in_german(client, django_capture_on_commit_callbacks):
    page = client.get(reverse("register"), HTTP_ACCEPT_LANGUAGE=GERMAN)
    assert page.context["form"]["locale"].value() == "de-DE"
    assert "Ihren BankDash-Zugang anlegen" in page.content.decode()
    data = {"email": "neu@example.com", "display_name": "Neu", "time_zone": "Europe/Berlin", "default_currency": "EUR",
            "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"}
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("register"), data, HTTP_ACCEPT_LANGUAGE=GERMAN, follow=True)
    assert "Bitte prüfen Sie Ihre E-Mails" in done.content.decode()
    assert User.objects.get(email="neu@example.com").locale == "de-DE"
    (message,) = mail.outbox
    assert message.subject == "Schließen Sie die Einrichtung Ihres BankDash-Zugangs ab"
    assert message.body.startswith("Hallo Neu,")
    assert "innerhalb von 3 Tagen" in message.body


def test_the_settings_page_is_german_with_german_figures(client, german):
    AccountFactory(owner=german, name="Girokonto", currency="EUR", opening_balance=Decimal("1234.56"))
    html = client.get(reverse("settings")).content.decode()
    assert '<html lang="de">' in html
    assert "<h1 class=\"h3 mb-3\">Einstellungen</h1>" in html
    assert "Zahlen- und Datumsformat" in html
    assert "Einstellungen speichern" in html
    assert "Ihre Daten" in html and "Alle meine Daten exportieren" in html
    assert ">Abmelden</button>" in html
    # The navigation and the accounts page, in German with German figures.
    accounts = client.get(reverse("accounts:list")).content.decode()
    assert ">Umsätze</a>" in accounts and ">Übersicht</a>" in accounts
    assert "1.234,56 €" in accounts


def test_choosing_german_in_the_settings_makes_the_next_page_german(client):
    user = UserFactory(email="ada@example.com", display_name="Ada", time_zone="UTC", default_currency="USD")
    client.force_login(user)
    assert "Save settings" in client.get(reverse("settings")).content.decode()
    response = client.post(reverse("settings"), {"display_name": "Ada", "default_currency": "EUR",
                                                 "time_zone": "Europe/Berlin", "locale": "de-DE"}, follow=True)
    html = response.content.decode()
    # The confirmation is in the language just chosen, as is the page it shows on.
    assert "Ihre Einstellungen wurden gespeichert." in html and "Your settings are saved." not in html
    assert '<html lang="de">' in html
    assert "<title>Einstellungen · BankDash</title>" in html
    assert "Einstellungen speichern" in html
    assert "Save settings" not in html
    # And back to English.
    back = client.post(reverse("settings"), {"display_name": "Ada", "default_currency": "EUR",
                                             "time_zone": "Europe/Berlin", "locale": "en-GB"}, follow=True)
    back_html = back.content.decode()
    assert "Your settings are saved." in back_html  # English again, as chosen
    assert '<html lang="en">' in back_html and "Save settings" in back_html


def test_a_german_customers_form_errors_are_german(client, german):
    response = client.post(reverse("settings"), {"display_name": "Erika", "default_currency": "EUR",
                                                 "time_zone": "US/Pacific", "locale": "de-DE"})
    assert response.status_code == 400
    assert "„US/Pacific“ ist keine Zeitzone, die wir anbieten" in response.content.decode()


def test_an_email_change_link_is_written_in_the_customers_language(client, german, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email_change"), {"new_email": "neu@example.com", "password": "x"})
    assert "Das ist nicht Ihr aktuelles Passwort." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("email_change"), {"new_email": "neu@example.com", "password": PASSWORD},
                               follow=True)
    assert "Wir haben einen Link an neu@example.com gesendet." in response.content.decode()
    (message,) = mail.outbox
    assert message.subject == "Bestätigen Sie Ihre neue BankDash-E-Mail-Adresse"
    assert "Hallo Erika," in message.body
