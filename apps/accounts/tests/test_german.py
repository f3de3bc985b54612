"""A German customer (locale "de-DE") sees the account pages in German, with German figures
and dates."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts import services
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(client):
    user = UserFactory(email="erika@example.com", display_name="Erika", time_zone="Europe/Berlin",
                       default_currency="EUR", locale="de-DE")
    client.force_login(user)
    return user


def test_the_account_list_is_german_with_german_figures_and_dates(client, german, frozen_now):
    AccountFactory(owner=german, name="Girokonto", currency="EUR", opening_balance=Decimal("1234.56"))
    AccountFactory(owner=german, name="Dollars", currency="USD", opening_balance=Decimal("12.50"))
    closed = AccountFactory(owner=german, name="Alt", currency="EUR")
    services.account_close(user=german, account_id=closed.pk)
    html = client.get(reverse("accounts:list")).content.decode()
    assert '<html lang="de">' in html
    assert '<h1 class="h3 mb-0">Konten</h1>' in html
    assert "<title>Konten · BankDash</title>" in html
    assert "Gesamt in EUR" in html and "(1 offenes Konto)" in html  # Alt is closed
    assert "1.234,56 €" in html
    assert "12,50 $" in html
    assert ">Girokonto</td>" in html  # the kind's label
    assert "Geschlossen am 15.12.2025" in html
    assert ">Kontostand</th>" in html and ">Konto eröffnen</a>" in html


def test_an_empty_list_and_the_messages_are_german(client, german, frozen_now):
    html = client.get(reverse("accounts:list")).content.decode()
    assert "Noch keine Konten" in html and "Ihr erstes Konto eröffnen" in html
    account = AccountFactory(owner=german, name="Girokonto", currency="EUR", opening_balance=Decimal("1234.56"))
    refused = client.post(reverse("accounts:close", args=[account.pk]), follow=True).content.decode()
    assert "Auf „Girokonto“ sind noch 1.234,56 €." in refused


def test_the_edit_form_is_german_and_reads_a_german_amount(client, german):
    account = AccountFactory(owner=german, name="Girokonto", currency="EUR", opening_balance=Decimal("10.00"))
    page = client.get(reverse("accounts:update", args=[account.pk])).content.decode()
    assert "„Girokonto“ bearbeiten" in page and "Mindestens behalten" in page
    response = client.post(reverse("accounts:update", args=[account.pk]), {
        "name": "Girokonto", "institution": "", "account_number": "", "forecast_buffer": "12.50",
        "low_balance_alert_below": "", "large_transaction_alert_above": ""})
    html = response.content.decode()
    assert "Bitte korrigieren Sie die Fehler unten." in html
    assert "12.50: Schreiben Sie 12,50." in html
    saved = client.post(reverse("accounts:update", args=[account.pk]), {
        "name": "Girokonto", "institution": "", "account_number": "", "forecast_buffer": "1234,56",
        "low_balance_alert_below": "", "large_transaction_alert_above": ""}, follow=True)
    assert "Konto „Girokonto“ gespeichert." in saved.content.decode()
    account.refresh_from_db()
    assert account.forecast_buffer == Decimal("1234.56")
