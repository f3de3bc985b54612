"""No figure adds two currencies: the default currency's figures at the top level, and
``by_currency`` (the default currency first) when another currency has figures."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest

from tests import factories as f

from .conftest import get_json

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def two_currencies(client, time_machine):
    time_machine.move_to(dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)
    user = f.UserFactory(default_currency="USD")
    usd = f.account(user, "Dollars", opening="1000.00", currency="USD")
    eur = f.account(user, "Euros", opening="500.00", currency="EUR")
    f.income(usd, "2000.00", on=date(2025, 12, 1))
    f.expense(usd, "100.00", on=date(2025, 12, 3), description="Shop")
    f.expense(usd, "60.00", on=date(2025, 11, 3), description="Shop")
    f.expense(eur, "40.00", on=date(2025, 12, 4), description="Café Paris 75")
    f.expense(eur, "30.00", on=date(2025, 12, 5), description="Shop")
    f.budget(user, "food", "50.00", currency="EUR")  # 70.00 EUR of food: exceeded
    client.force_login(user)
    return client


def test_spending(two_currencies):
    body = get_json(two_currencies, "/insights/spending")
    assert body["currency"] == "USD"
    assert body["monthly_spending"] == {"month": "2025-12", "total_spent": D("100.00")}
    assert list(body["by_currency"]) == ["USD", "EUR"]
    assert body["by_currency"]["EUR"]["monthly_spending"] == {"month": "2025-12", "total_spent": D("70.00")}
    assert body["by_currency"]["EUR"]["trend"]["trend"] == "increase"
    assert body["by_currency"]["USD"]["trend"]["change"] == D("40.00") == body["trend"]["change"]


def test_cash_flow(two_currencies):
    body = get_json(two_currencies, "/insights/cash-flow")
    assert (body["income"], body["expense"], body["net_cash_flow"], body["status"]) == \
        (D("2000.00"), D("100.00"), D("1900.00"), "positive")
    assert body["by_currency"]["EUR"] == {"income": D("0.00"), "expense": D("70.00"),
                                         "net_cash_flow": D("-70.00"), "status": "negative"}


def test_top_merchants(two_currencies):
    body = get_json(two_currencies, "/insights/top-merchants")
    assert body["top_merchants"] == [{"merchant": "Shop", "total_spent": D("100.00")}]
    assert body["by_currency"]["EUR"] == {"top_merchants": [{"merchant": "Café Paris", "total_spent": D("40.00")},
                                                            {"merchant": "Shop", "total_spent": D("30.00")}]}


def test_burn_rate(two_currencies):
    body = get_json(two_currencies, "/insights/burn-rate")
    assert (body["total_spent"], body["daily_burn_rate"]) == (D("100.00"), D("6.67"))
    assert body["by_currency"]["EUR"] == {"days_elapsed": 15, "total_spent": D("70.00"),
                                         "daily_burn_rate": D("4.67"), "projected_monthly_spend": D("144.77")}


def test_health_score(two_currencies):
    body = get_json(two_currencies, "/insights/health-score")
    assert list(body["by_currency"]) == ["USD", "EUR"]
    eur = {c["name"]: c for c in body["by_currency"]["EUR"]["components"]}
    assert (eur["savings_rate"]["points"], eur["expense_income_ratio"]["points"]) == (0, 0)  # no EUR income
    assert (eur["budgets_kept"]["points"], eur["budgets_kept"]["value"]) == (0, D("0.0"))
    usd = {c["name"]: c for c in body["components"]}
    assert usd["budgets_kept"]["points"] == 25  # the EUR budget is not a USD one
    assert "no active budget in USD" in usd["budgets_kept"]["explanation"]


def test_default_currency_without_figures_still_comes_first(client, time_machine):
    time_machine.move_to(dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)
    user = f.UserFactory(default_currency="EUR")
    usd = f.account(user, "Dollars", opening="10.00", currency="USD")
    f.expense(usd, "5.00", on=date(2025, 12, 1))
    client.force_login(user)
    body = get_json(client, "/insights/spending")
    assert (body["currency"], body["monthly_spending"]["total_spent"]) == ("EUR", D("0.00"))
    assert list(body["by_currency"]) == ["EUR", "USD"]
    assert body["by_currency"]["USD"]["monthly_spending"]["total_spent"] == D("5.00")
