"""A German customer (locale "de-DE") reads the dashboard in German, with German figures
("1.234,56 €"), days ("29.11.2025") and month names ("November 2026"); the JSON keeps its
keys and exact amounts, and the expense preview's lines are German too."""

from __future__ import annotations

import datetime as dt
import json
import re
from datetime import date
from decimal import Decimal as D
from html import unescape

import pytest
import simplejson
from django.urls import reverse

from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def german(db, time_machine, user_factory):
    """Balance 1,234.56 EUR on "Girokonto": 2000.00 opening, 300.00 income a year ago, 1065.44
    of food this month against a 1000.00 monthly budget."""
    time_machine.move_to(NOW, tick=False)
    user = user_factory(time_zone="UTC", default_currency="EUR")
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    checking = f.account(user, "Girokonto", opening="2000.00", currency="EUR", opened_on=date(2025, 1, 1))
    f.income(checking, "300.00", on=date(2025, 11, 29), description="Gehalt")
    f.expense(checking, "1065.44", on=date(2026, 11, 5), category="food", description="Markt")
    budget = f.budget(user, "food", "1000.00", currency="EUR")
    return user, checking, budget


def element(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|ul|table|h2)>', html, re.S).group(1)


def test_the_dashboard_in_german(client, german):
    user, _, _ = german
    client.force_login(user)

    html = client.get(reverse("dashboard:home")).content.decode()

    assert '<h1 class="h3 mb-0">Übersicht</h1>' in html
    assert "<title>" in html and "Übersicht" in html.split("</title>")[0]
    assert "November 2026 · dieser Monat" in html
    assert '1.234,56 <span class="fs-6">€</span>' in element(html, "total-balance")
    assert "1.234,56 €" in element(html, "account-list")
    assert "Ausgaben im November" in html and "Ausgaben im Oktober" in html
    assert "Gesamter Kontostand" in html and "Letzte Umsätze" in html and "Konten verwalten" in html
    # A date of another year in full, this year's short, both the German way.
    latest = element(html, "latest-transactions")
    assert '<time datetime="2025-11-29">29.11.2025</time>' in latest
    assert '<time datetime="2026-11-05">05.11.</time>' in latest
    # The budget: German words and figures, the data attributes stay machine-readable.
    assert "Budget überschritten" in html and "65,44 €" in html
    assert 'data-amount="1065.44" class="budget-spent">1.065,44</span> von' in html
    # The charts get the locale, the unit the page writes and the legend's words.
    data = json.loads(unescape(re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', html,
                                         re.S).group(1)))
    assert data["locale"] == "de-DE"
    assert data["words"] == {"income": "Einnahmen", "spending": "Ausgaben"}
    assert data["history"][0]["unit"] == "€"
    assert data["history"][0]["labels"][-1] == "Nov. 2026"
    assert data["categories"][0]["values"] == ["1065.44"]  # exact decimals, as in English


def test_the_overview_json_keeps_its_keys_and_exact_amounts(client, german):
    user, _, _ = german
    client.force_login(user)

    data = simplejson.loads(client.get(reverse("dashboard:overview")).content, use_decimal=True)

    assert data["accounts"] == {"total_accounts": 1, "total_balance": D("1234.56")}
    assert data["monthly_spending"] == {"month": "2026-11", "total_spent": D("1065.44")}
    assert data["budgets"][0]["category"] == "food" and data["budgets"][0]["exceeded"] is True


def test_the_expense_preview_in_german(client, german):
    user, checking, budget = german
    client.force_login(user)

    response = client.get(reverse("dashboard:expense_preview"), {"account": checking.pk, "amount": "34.56",
                                                                   "category": budget.category_id})

    texts = [line["text"] for line in response.json()["lines"]]
    assert texts == [
        "Damit erreicht Lebensmittel 110 % des Monatsbudgets (1.100,00 von 1.000,00 €).",
        "Damit bleiben 1.200,00 € auf Girokonto.",
    ]
    bad = client.get(reverse("dashboard:expense_preview"), {"account": checking.pk, "amount": "0"})
    assert bad.json()["lines"] == [{"text": "Geben Sie einen Betrag größer als null ein.", "level": "warning"}]
