"""A German customer (locale de-DE) sees the rules pages, the rule form's errors and the
figures in German."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.rules import services
from tests.factories import AccountFactory, default_category, expense

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(client, german):
    """The test client, logged in as the German customer (the root conftest's ``german``)."""
    client.force_login(german)
    return client


def test_rules_page_in_german(german, user):
    services.rule_create(user=user, name="Supermarkt", field="payee", operator="contains", pattern="tesco",
                         min_amount=Decimal("1234.56"), max_amount=None, account=None, kind="expense",
                         set_category=default_category("food"), set_payee="Tesco", is_active=True)
    page = german.get(reverse("rules:list")).content.decode()
    assert "<h1 class=\"h3 mb-0\">Kategorisierungsregeln</h1>" in page
    assert "Empfänger enthält „<code>tesco</code>“" in page
    assert "nur Ausgaben" in page and "ab 1.234,56" in page
    assert "Kategorie: Lebensmittel" in page and "Empfänger: Tesco" in page
    assert "Meine Regeln sollen die Kategorie wählen" in page and "Neue Regel" in page


def test_empty_rules_page_in_german(german):
    page = german.get(reverse("rules:list")).content.decode()
    assert "Noch keine Regeln." in page and "Ihre erste Regel hinzufügen" in page


def test_rule_form_errors_in_german(german):
    response = german.post(reverse("rules:create"), {
        "name": "", "field": "either", "operator": "matches", "pattern": "(a)\\1", "min_amount": "50",
        "max_amount": "10", "account": "", "kind": "either", "set_category": "", "set_payee": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Neue Regel" in body and "Text oder Muster" in body
    assert "Geben Sie der Regel einen Namen." in body
    assert "Dieses Muster ist ungültig" in body and "Rückverweise" in body
    assert "Der höchste Betrag muss mindestens so hoch sein wie der niedrigste Betrag." in body
    assert "Wählen Sie eine Kategorie, einen Empfängernamen oder beides." in body


def test_apply_preview_in_german_with_german_dates_and_money(german, user):
    account = AccountFactory(owner=user, name="Girokonto", currency="EUR", opening_balance=Decimal("5000.00"))
    expense(account, "1234.56", on=date(2025, 11, 29), category="other", payee="TESCO STORES 123")
    rule = services.rule_create(user=user, name="Supermarkt", field="payee", operator="contains", pattern="tesco",
                                min_amount=None, max_amount=None, account=None, kind="either",
                                set_category=default_category("food"), set_payee="Tesco", is_active=True)
    page = german.get(reverse("rules:apply", args=[rule.pk])).content.decode()
    assert "„Supermarkt“ auf frühere Buchungen anwenden" in page
    assert "Diese Regel würde <strong>1</strong> frühere Buchung ändern." in page
    assert "29.11.2025" in page and "−1.234,56 €" in page
    assert "Bestätigen: 1 Buchung ändern" in page
