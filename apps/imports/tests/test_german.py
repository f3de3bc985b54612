"""A German customer (locale de-DE) imports a statement: the pages, the preview's reasons and
the figures are German; the file itself is read as its own format says, whatever the locale."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.imports.models import ImportRow
from tests.factories import AccountFactory

from .test_flow import START, batch_of, rows_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(client, german):
    """The test client, logged in as the German customer (the root conftest's ``german``)."""
    client.force_login(german)
    return client


@pytest.fixture
def girokonto(user):
    return AccountFactory(owner=user, name="Girokonto", currency="EUR", number_last4="5678",
                          opening_balance=Decimal("1000.00"))


def test_start_page_in_german(german):
    page = german.get(START).content.decode()
    assert "<h1 class=\"h3 mb-3\">Kontoauszug importieren</h1>" in page
    assert "Kontoauszugsdatei" in page and "Hochladen und Vorschau" in page and "Noch keine Importe." in page
    assert "CSV, OFX/QFX, QIF oder CAMT.053, bis 20 MB." in page
    assert "31.01.2025 (Tag.Monat.Jahr)" in page


def test_preview_reasons_figures_and_dates_in_german(german, girokonto, read_file, frozen_now):
    response = upload(german, "bank.csv", read_file("bom_semicolon.csv"), account=girokonto.pk)
    batch = batch_of(response)
    columns = german.get(response["Location"]).content.decode()
    assert "Spalten wählen" in columns and "Betrag (+ Eingang, − Ausgang)" in columns
    german.post(response["Location"], {"date": "0", "description": "1", "amount": "2", "payee": "3",
                                       "date_format": "auto", "decimal": "auto", "statement_account": girokonto.pk})
    # The parsers read the file as it is written (German dates and amounts), not by the locale.
    rows = rows_of(batch)
    assert [r.amount for r in rows[:3]] == [Decimal("2500.00"), Decimal("-1234.56"), Decimal("-4.50")]
    assert [(r.outcome, r.reason) for r in rows[3:]] == [
        (ImportRow.Outcome.ERROR, "31.09.2025 ist kein Datum"), (ImportRow.Outcome.ERROR, "abc ist kein Betrag")]
    page = german.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "Vor dem Import prüfen: bank.csv" in page and "In der Vorschau" in page and "5 Zeilen" in page
    assert "31.09.2025 ist kein Datum" in page and "Nicht lesbar" in page
    assert "2.500,00 €" in page and "−1.234,56 €" in page
    assert '<time datetime="2025-10-03">03.10.2025</time>' in page
    assert "Ausgewählte Zeilen importieren" in page

    start = german.get(START).content.decode()
    assert "Frühere Importe" in start and "15.12.2025" in start


def test_overdraw_reason_in_german_with_german_money(german, girokonto, frozen_now):
    data = b"Datum;Text;Betrag\n01.10.2025;Auto;-1.500,00\n"
    response = upload(german, "auto.csv", data, account=girokonto.pk)
    german.post(response["Location"], {"date": "0", "description": "1", "amount": "2", "date_format": "auto",
                                       "decimal": "auto", "statement_account": girokonto.pk})
    [row] = rows_of(batch_of(response))
    assert row.reason == "der Kontostand von Girokonto würde auf −500,00 € sinken"


def test_english_customer_keeps_english(logged_in, frozen_now):
    page = logged_in.get(START).content.decode()
    assert "Import a statement" in page and "Kontoauszug" not in page
