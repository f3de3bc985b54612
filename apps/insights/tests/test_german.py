"""A German customer (locale "de-DE") reads the Insights page in German, with German figures
("1.234,56 €") and month names ("November 2026"); the JSON endpoints keep their keys and codes
and explain the health score in German."""

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
    """On "Girokonto" (EUR): 3000.00 earned and 1234.56 spent on food in November 2026."""
    time_machine.move_to(NOW, tick=False)
    user = user_factory(time_zone="UTC", default_currency="EUR")
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    checking = f.account(user, "Girokonto", opening="500.00", currency="EUR", opened_on=date(2025, 1, 1))
    f.income(checking, "3000.00", on=date(2026, 11, 2), description="Gehalt")
    f.expense(checking, "1234.56", on=date(2026, 11, 5), category="food", description="Markt")
    return user


def test_the_insights_page_in_german(client, german):
    client.force_login(german)

    html = client.get(reverse("insights:page")).content.decode()

    assert '<h1 class="h3 mb-0">Auswertungen</h1>' in html
    assert "Dezember 2025 bis November 2026 · dieser Monat bis heute" in html
    assert "In EUR" in html and "Geldfluss, letzte 12 Monate" in html
    assert "Finanzgesundheit, November 2026" in html
    assert "Wohin das Geld ging, November 2026" in html
    # Figures the German way: 1.234,56 in the tables, with the euro sign where the currency is named.
    assert ">1.234,56</a>" in html
    assert "Sie haben 58,8 % Ihrer Einnahmen behalten (1.765,44 € von 3.000,00 €)." in html
    assert "Geldeingang" in html and "Nicht ausgegeben" in html and "Gehalt (Einnahme)" in html
    assert re.search(r"von 100 · (ausgezeichnet|gut|Warnung|kritisch)", html)
    assert "Nov. 2026" in html  # the tables' short month
    data = json.loads(unescape(re.search(r'id="insights-data" type="application/json">(.*?)</script>', html,
                                         re.S).group(1)))
    assert data["locale"] == "de-DE" and data["words"]["net_worth"] == "Vermögen"
    chart = data["charts"][0]
    assert chart["currency"] == "EUR" and chart["unit"] == "€"
    assert chart["cash_flow"]["labels"][-1] == "Nov. 2026"
    assert chart["cash_flow"]["spending"][-1] == "1234.56"  # exact decimals, as in English


def test_the_health_score_json_keeps_its_codes_and_explains_in_german(client, german):
    client.force_login(german)

    body = simplejson.loads(client.get(reverse("insights:health_score")).content, use_decimal=True)

    assert body["month"] == "2026-11" and body["currency"] == "EUR"
    assert body["status"] in {"excellent", "good", "warning", "critical"}
    savings = next(c for c in body["components"] if c["name"] == "savings_rate")
    assert savings["value"] == D("58.8")
    assert savings["explanation"].startswith("Sie haben 58,8 % Ihrer Einnahmen behalten")


def test_a_month_that_cannot_be_read_in_german(client, german):
    client.force_login(german)

    response = client.get(reverse("insights:page"), {"month": "2026-13"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "„2026-13“ ist kein Monat, den wir anzeigen können" in html
    assert "Auswertungen dieses Monats anzeigen" in html


def test_every_text_of_the_sections_is_in_the_german_catalogue(german, monkeypatch):
    """The sections' texts are translated in Python (apps.insights.page_body) with the message ids
    the Django template had: each must still be one of the app's catalogue, or a German
    customer reads it in English."""
    from babel.messages.pofile import read_po
    from django.conf import settings
    from django.utils import translation

    from apps.insights import page_body, selectors

    asked: list[tuple[str | None, str]] = []
    monkeypatch.setattr(page_body, "_", lambda text: asked.append((None, text)) or text)
    monkeypatch.setattr(page_body, "pgettext", lambda context, text: asked.append((context, text)) or text)
    page = selectors.insights_page(user=german, month=date(2026, 11, 1))
    with translation.override("de"):
        page_body.words(page, month_long="November 2026")
    with (settings.BASE_DIR / "apps/insights/locale/de/LC_MESSAGES/django.po").open("rb") as handle:
        catalogue = read_po(handle, locale="de")
    missing = [(context, text) for context, text in asked
               if not (catalogue.get(text, context=context) and catalogue.get(text, context=context).string)]
    assert len(asked) > 80 and not missing
