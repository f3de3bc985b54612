"""A German customer (locale "de-DE") sees the ledger's pages in German, with German figures
and dates, and types amounts the German way ("12,50")."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.transactions.models import Transaction
from tests.factories import AccountFactory, default_category, expense, income
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db

LIST = reverse("transactions:list")


@pytest.fixture
def german(german, time_machine):
    time_machine.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False)
    return german


@pytest.fixture
def girokonto(german):
    return AccountFactory(owner=german, name="Girokonto", currency="EUR", opening_balance=Decimal("0.00"))


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_transactions_page_is_german_with_german_figures_and_dates(client, german, girokonto):
    income(girokonto, "1234.56", on=date(2026, 11, 29), description="Gehalt November", payee="Arbeitgeber")
    client.force_login(german)
    html = text(client.get(LIST))
    assert re.search(r"<h1[^>]*>Umsätze</h1>", html)
    assert "+1.234,56 €" in html
    assert '<time datetime="2026-11-29">29.11.2026</time>' in html
    assert "Einnahme erfassen" in html and "Ausgabe erfassen" in html and "Schnelle Ausgabe" in html
    assert "1 Buchung" in html
    assert 'aria-label="Aktionen für Einnahme über 1.234,56 vom 29.11.2026"' in html
    assert "Empfänger und Beschreibung" in html
    assert '<option value="without">Ohne Belege</option>' in html  # the receipts filter


def test_filtered_totals_are_german(client, german, girokonto):
    income(girokonto, "1234.56", on=date(2026, 11, 29), payee="Arbeitgeber")
    expense(girokonto, "34.56", on=date(2026, 11, 29), payee="Bäckerei")
    client.force_login(german)
    html = text(client.get(LIST, {"account": girokonto.pk, "month": "2026-11"}))
    assert "Eingänge" in html and ">1.234,56 €</strong>" in html
    assert ">34,56 €</strong>" in html and ">1.200,00 €</strong>" in html
    assert "2 Buchungen" in html and "Filter und Suche (2 aktiv)" in html


def test_the_quick_entry_takes_an_amount_typed_the_german_way(client, german, girokonto):
    income(girokonto, "100.00", on=date(2026, 11, 1))
    client.force_login(german)
    page = client.get(LIST)
    token = re.search(r'name="quick-form_token" value="([0-9a-f-]{36})"', page.content.decode()).group(1)
    response = client.post(reverse("transactions:quick"), {
        "quick-occurred_on": "2026-11-29", "quick-payee": "Bäckerei Schmidt", "quick-amount": "12,50",
        "quick-category": default_category("food").pk, "quick-account": girokonto.pk, "quick-form_token": token,
    })
    assert response.status_code == 302
    entry = Transaction.objects.get(owner=german, kind=Transaction.Kind.EXPENSE)
    assert entry.amount == Decimal("12.50") and entry.occurred_on == date(2026, 11, 29)
    assert messages_of(response)[0].startswith("Ausgabe über 12,50 € auf „Girokonto“ gebucht.")


def test_a_refused_expense_says_why_in_german(client, german, girokonto):
    client.force_login(german)
    response = client.post(reverse("transactions:expense"), {
        "account": girokonto.pk, "amount": "12,50", "category": default_category("food").pk,
        "occurred_on": "2026-11-29", "payee": "", "description": "Brötchen",
        "form_token": "3f0c1a52-5a51-4f1e-9a4e-0c2b8f4d1e11",
    })
    html = text(response)
    assert "Nicht genug Guthaben auf „Girokonto“: Der Kontostand läge dann bei −12,50 €." in html
    assert "Verfügbar: 0,00 €." in html


def test_the_account_page_and_the_categories_page_are_german(client, german, girokonto):
    income(girokonto, "1234.56", on=date(2026, 10, 15))
    client.force_login(german)
    html = text(client.get(reverse("accounts:detail", args=[girokonto.pk])))
    assert "Kontostand zum Monatsende" in html
    assert '<time datetime="2026-10-31">31.10.2026</time>' in html
    assert "eröffnet am 01.01.2020" in html
    assert ">1.234,56 €</p>" in html  # the balance
    assert "Kontoauszug (PDF)" in html and "Umbuchen" in html
    categories = text(client.get(reverse("transactions:categories")))
    assert re.search(r"<h1[^>]*>Kategorien</h1>", categories)
    assert "Kategorie hinzufügen" in categories and "Standard" in categories


def test_an_english_customer_keeps_english_and_the_us_date(logged_in, user, time_machine):
    time_machine.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=UTC), tick=False)
    account = AccountFactory(owner=user, name="Checking", opening_balance=Decimal("0.00"))
    income(account, "1234.56", on=date(2026, 11, 29))
    html = text(logged_in.get(LIST))
    assert re.search(r"<h1[^>]*>Transactions</h1>", html)
    assert "+1,234.56 USD" in html and '<time datetime="2026-11-29">Nov 29, 2026</time>' in html
