"""A German customer (locale "de-DE") reads the budgets page and the budget alerts in German,
with German figures and dates."""


import pytest
from django.urls import reverse

from apps.alerts.models import Alert
from tests.factories import UserFactory, account, budget, expense

pytestmark = pytest.mark.django_db


def test_the_budgets_page_in_german(client, german, today):
    konto = account(german, "Girokonto", opening="5000.00", currency="EUR")
    budget(german, "food", "1500.00", currency="EUR")
    expense(konto, "1234.56", on=today)
    client.force_login(german)
    html = client.get(reverse("budgets:list")).content.decode()
    assert "<h1 class=\"h3 mb-0\">Budgets</h1>" in html and "Neues Budget" in html
    assert "Ausgegeben" in html and "Verbleibend" in html and "Über der Warnschwelle" in html
    assert "1.234,56 €" in html and "1.500,00 €" in html and "82,3 %" in html
    assert "Monatlich · <time datetime=\"2025-12-01\">01.12.2025</time> – " in html
    assert 'aria-valuenow="82.3"' in html


def test_the_budget_form_in_german(client, german):
    client.force_login(german)
    html = client.get(reverse("budgets:create")).content.decode()
    assert "Neues Budget" in html and "Frühwarnung bei (%)" in html and "Budget anlegen" in html


def test_a_german_customers_budget_alerts_are_german(today):
    german = UserFactory(locale="de-DE")
    konto = account(german, "Girokonto", opening="5000.00", currency="EUR")
    budget(german, "food", "100.00", currency="EUR")
    expense(konto, "85.00", on=today)
    expense(konto, "65.00", on=today)
    messages = list(Alert.objects.filter(owner=german).order_by("pk").values_list("message", flat=True))
    assert messages == [
        "Sie haben 85 % Ihres Budgets „Lebensmittel“ (monatlich) verbraucht: 85,00 € von 100,00 € ausgegeben "
        "im Zeitraum 01.12.2025 – 31.12.2025 (Warnung bei 80 %).",
        "Sie haben Ihr Budget „Lebensmittel“ (monatlich) überschritten: 150,00 € von 100,00 € ausgegeben (150 %) im "
        "Zeitraum 01.12.2025 – 31.12.2025.",
    ]
