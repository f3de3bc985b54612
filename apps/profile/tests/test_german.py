"""A German customer (locale "de-DE") sees the close-your-profile pages in German, with German figures."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(client):
    user = UserFactory(email="erika@example.com", display_name="Erika", time_zone="Europe/Berlin",
                       default_currency="EUR", locale="de-DE")
    client.force_login(user)
    return user


def test_the_close_page_lists_the_money_left_in_german(client, german):
    AccountFactory(owner=german, name="Girokonto", currency="EUR", opening_balance=Decimal("1234.56"))
    html = client.get(reverse("profile:close")).content.decode()
    assert "<title>Profil schließen · BankDash</title>" in html
    assert "Ihr Profil kann nicht geschlossen werden, solange noch Geld auf einem offenen Konto ist." in html
    assert "1.234,56 €" in html
    assert "Zurück zu Ihren Einstellungen" in html


def test_closing_is_german_from_the_form_to_the_goodbye(client, german):
    page = client.get(reverse("profile:close")).content.decode()
    assert "Wenn Sie Ihr Profil schließen:" in page and "Ihre E-Mail-Adresse oder Ihr Passwort" in page
    wrong = client.post(reverse("profile:close"), {"confirmation": "nope"})
    assert wrong.status_code == 400
    assert "Geben Sie zur Bestätigung Ihre E-Mail-Adresse oder Ihr Passwort genau ein." in wrong.content.decode()
    done = client.post(reverse("profile:close"), {"confirmation": "erika@example.com"}, follow=True,
                       HTTP_ACCEPT_LANGUAGE="de-DE")
    assert "Auf Wiedersehen" in done.content.decode()


def test_the_settings_page_says_what_the_export_holds_in_german(client, german):
    html = client.get(reverse("settings")).content.decode()
    assert "Punkte, die Browser, mit denen Sie sich angemeldet haben, und Ihre Sicherheitsaktivität." in html
