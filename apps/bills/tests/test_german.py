"""A German customer (locale "de-DE") reads the bills pages and their alerts in German, with
German figures and dates, whoever writes the alert (the worker runs in English)."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from apps.alerts.models import Alert
from apps.bills import forecast_alerts, services
from tests.factories import UserFactory, account

from .conftest import make_bill

pytestmark = pytest.mark.django_db


@pytest.fixture
def konto(german):
    return account(german, "Girokonto", opening="2000.00", currency="EUR")


def messages(user, kind):
    return list(Alert.objects.filter(owner=user, kind=kind).order_by("pk").values_list("message", flat=True))


def test_the_bills_page_in_german(client, german, konto):
    make_bill(konto, name="Miete", amount="1234.56", starts_on=date(2025, 12, 16))
    client.force_login(german)
    html = client.get(reverse("bills:list")).content.decode()
    assert "<title>Rechnungen" in html
    assert "Rechnungen und regelmäßige Zahlungen" in html and "Neue Rechnung" in html
    assert "1.234,56 €" in html
    assert '<time datetime="2025-12-16">16.12.2025</time>' in html
    assert "Anstehend" in html and "Monatlich" in html and "Als bezahlt markieren" in html


def test_the_detail_and_calendar_in_german(client, german, konto):
    rent = make_bill(konto, name="Miete", amount="1234.56", starts_on=date(2025, 12, 16), count=3)
    client.force_login(german)
    html = client.get(reverse("bills:detail", args=[rent.pk])).content.decode()
    assert "16.12.2025, 16.01.2026, 16.02.2026" in html
    assert "3 Zahlungen ab 16.12.2025" in html and "3 Tage vorher" in html
    html = client.get(reverse("bills:calendar")).content.decode()
    assert "Rechnungen und Einnahmen, Dezember 2025" in html
    assert '<abbr title="Montag">Mo</abbr>' in html and "−1.234,56 €" in html


def test_a_german_customers_reminder_and_overdue_alert_are_german():
    german = UserFactory(locale="de-DE")
    konto = account(german, "Girokonto", opening="2000.00", currency="EUR")
    make_bill(konto, name="Miete", amount="1234.56", starts_on=date(2025, 12, 16))
    make_bill(konto, name="Telefon", amount="30.00")  # due today: overdue tomorrow
    american = UserFactory()
    make_bill(account(american, "Checking", opening="2000.00"), name="Rent", amount="850.00",
              starts_on=date(2025, 12, 16))
    services.bill_reminders_send()
    assert messages(german, "bill_reminder") == [
        "Miete (1.234,56 €) ist am 16.12.2025 fällig (morgen).",
        "Telefon (30,00 €) ist am 15.12.2025 fällig (heute).",
    ]
    assert messages(american, "bill_reminder") == ["Rent (850.00 USD) is due on Dec 16, 2025 (tomorrow)."]
    services.bill_reminders_send(today=date(2025, 12, 16))
    assert messages(german, "bill_overdue") == [
        "Telefon (30,00 €) war am 15.12.2025 fällig und ist nicht als bezahlt markiert. Bezahlen Sie die Rechnung "
        "oder markieren Sie sie auf der Seite „Rechnungen“ als bezahlt oder übersprungen."]


def test_a_german_customers_forecast_alert_is_german():
    german = UserFactory(locale="de-DE")
    konto = account(german, "Girokonto", opening="100.00", currency="EUR")
    make_bill(konto, name="Miete", amount="1234.56", starts_on=date(2025, 12, 20))
    forecast_alerts.forecast_alerts_check(user=german)
    assert messages(german, "forecast_low") == [
        "Girokonto erreicht voraussichtlich am 20.12.2025 einen Kontostand von −1.134,56 €, nach Miete (1.234,56 €)."]


def test_a_german_customers_failed_autopay_alert_is_german():
    german = UserFactory(locale="de-DE")
    konto = account(german, "Girokonto", opening="100.00", currency="EUR")
    make_bill(konto, name="Miete", amount="1234.56", autopay=True)
    services.recurring_post_due()
    [message] = messages(german, "autopay_failed")
    assert message.startswith("Die automatische Zahlung von Miete (1.234,56 €) am 15.12.2025 ist fehlgeschlagen: ")


def test_the_forecast_section_in_german(client, german, konto):
    make_bill(konto, name="Miete", amount="1234.56", starts_on=date(2025, 12, 20))
    client.force_login(german)
    html = client.get(f"/accounts/{konto.pk}/").content.decode()
    assert "Prognose, nächste 30 Tage" in html and "Frei verfügbar" in html
    assert "765,44 €" in html  # 2,000.00 less the rent
    assert 'data-label-balance="Voraussichtlicher Kontostand"' in html
    chart = json.loads(re.search(r'<script id="forecast-data" type="application/json">(.*?)</script>', html).group(1))
    assert (chart["locale"], chart["unit"]) == ("de-DE", "€")  # the axis writes 765,44 € as the page does
    assert chart["lowest_text"] == "Tiefststand: 765,44 € am 20.12., nach Miete"
    assert chart["labels"][:2] == ["15.12.", "16.12."]
