"""Each endpoint's figures for December 2025 (the customer's current month) and, with
``?month=``, for November, against sums done by hand from tests/conftest.py: income,
expenses (one edited from 15.00 to 25.00, one of 500.00 deleted), transfers (not counted)
and someone else's money (never counted)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests import factories as f

from .conftest import get_json

pytestmark = pytest.mark.django_db

D = Decimal
DECEMBER_SPENT = D("1484.99")  # 1200.00 + 45.50 + 4.50 + 80.00 + 99.99 + 20.00 + 25.00 + 10.00
NOVEMBER_SPENT = D("1500.00")  # 1200.00 + 300.00


def test_spending(client_of):
    assert get_json(client_of, "/insights/spending") == {
        "monthly_spending": {"month": "2025-12", "total_spent": DECEMBER_SPENT},
        "trend": {"current_month": "2025-12", "current_total": DECEMBER_SPENT, "previous_month": "2025-11",
                  "previous_total": NOVEMBER_SPENT, "change": D("-15.01"), "trend": "decrease"},
        "currency": "USD",
    }


def test_spending_of_the_previous_month(client_of):
    body = get_json(client_of, "/insights/spending?month=2025-11")
    assert body["monthly_spending"] == {"month": "2025-11", "total_spent": NOVEMBER_SPENT}
    assert body["trend"] == {"current_month": "2025-11", "current_total": NOVEMBER_SPENT,
                             "previous_month": "2025-10", "previous_total": D("900.00"), "change": D("600.00"),
                             "trend": "increase"}


def test_spending_without_a_change(client_of):
    body = get_json(client_of, "/insights/spending?month=2025-10")  # 900.00 after 900.00
    assert body["trend"]["change"] == D("0.00")
    assert body["trend"]["trend"] == "no_change"


def test_cash_flow(client_of):
    assert get_json(client_of, "/insights/cash-flow") == {
        "month": "2025-12", "income": D("3000.00"), "expense": DECEMBER_SPENT, "net_cash_flow": D("1515.01"),
        "status": "positive", "currency": "USD",
    }


def test_cash_flow_of_the_previous_months(client_of):
    november = get_json(client_of, "/insights/cash-flow?month=2025-11")
    assert (november["income"], november["expense"], november["net_cash_flow"], november["status"]) == \
        (D("2800.00"), NOVEMBER_SPENT, D("1300.00"), "positive")
    october = get_json(client_of, "/insights/cash-flow?month=2025-10")
    assert (october["net_cash_flow"], october["status"]) == (D("-900.00"), "negative")
    august = get_json(client_of, "/insights/cash-flow?month=2025-08")
    assert (august["income"], august["expense"], august["net_cash_flow"], august["status"]) == \
        (D("0.00"), D("0.00"), D("0.00"), "neutral")


def test_top_merchants(client_of):
    """Descriptions grouped by their normal form: "STARBUCKS #1234" + "Starbucks 5678"; no
    description (or only digits and punctuation) -> the category's name."""
    assert get_json(client_of, "/insights/top-merchants") == {
        "month": "2025-12",
        "top_merchants": [
            {"merchant": "Landlord Ltd", "total_spent": D("1200.00")},
            {"merchant": "Amazon", "total_spent": D("99.99")},
            {"merchant": "food", "total_spent": D("80.00")},
            {"merchant": "Starbucks", "total_spent": D("50.00")},
            {"merchant": "Cinema", "total_spent": D("25.00")},  # edited from 15.00; "big tv" was deleted
        ],  # then "uber trip" 20.00 and "other" 10.00: five only
        "currency": "USD",
    }


def test_top_merchants_of_the_previous_month(client_of):
    assert get_json(client_of, "/insights/top-merchants?month=2025-11")["top_merchants"] == [
        {"merchant": "Landlord Ltd", "total_spent": D("1200.00")},
        {"merchant": "Market", "total_spent": D("300.00")},
    ]


def test_top_merchants_of_an_empty_month(client_of):
    assert get_json(client_of, "/insights/top-merchants?month=2025-08") == {
        "month": "2025-08", "top_merchants": [], "currency": "USD"}


def test_burn_rate_of_the_current_month(client_of):
    """15 days of December elapsed: 1484.99 / 15 = 98.9993... -> 99.00 a day, x 31 days."""
    assert get_json(client_of, "/insights/burn-rate") == {
        "month": "2025-12", "days_elapsed": 15, "total_spent": DECEMBER_SPENT, "daily_burn_rate": D("99.00"),
        "projected_monthly_spend": D("3069.00"), "currency": "USD",
    }


def test_burn_rate_of_a_past_and_a_future_month(client_of):
    assert get_json(client_of, "/insights/burn-rate?month=2025-11") == {
        "month": "2025-11", "days_elapsed": 30, "total_spent": NOVEMBER_SPENT, "daily_burn_rate": D("50.00"),
        "projected_monthly_spend": D("1500.00"), "currency": "USD",
    }
    assert get_json(client_of, "/insights/burn-rate?month=2026-01") == {
        "month": "2026-01", "days_elapsed": 0, "total_spent": D("0.00"), "daily_burn_rate": D("0.00"),
        "projected_monthly_spend": D("0.00"), "currency": "USD",
    }


def test_health_score(client_of):
    body = get_json(client_of, "/insights/health-score")
    components = {c["name"]: c for c in body["components"]}
    assert [(c["name"], c["points"], c["max_points"], c["value"]) for c in body["components"]] == [
        ("savings_rate", 25, 25, D("50.5")),  # 1515.01 kept of 3000.00
        ("expense_income_ratio", 25, 25, D("49.5")),  # 1484.99 of 3000.00
        ("budgets_kept", 17, 25, D("66.7")),  # 2 of 3 (food is over): 16.67 -> 17
        # 3215.01 + 800.00 = 4015.01 against (900.00 + 900.00 + 1500.00) / 3 = 1100.00: 3.65 months
        ("buffer_months", 25, 25, D("3.7")),
        ("unread_alerts", 0, 0, 0),
        ("reward_points", 0, 0, 0),
    ]
    assert body["financial_health_score"] == 92 == sum(c["points"] for c in body["components"])
    assert (body["status"], body["month"], body["currency"]) == ("excellent", "2025-12", "USD")
    assert "by_currency" not in body
    assert "2 of your 3 USD budgets" in components["budgets_kept"]["explanation"]
    assert "4,015.01 USD" in components["buffer_months"]["explanation"]
    assert all(c["explanation"] for c in body["components"])


def test_health_score_of_the_previous_month(client_of):
    """November: 1300.00 kept of 2800.00 (46.4%), 53.6% spent (25 x 0.464 / 0.5 = 23.2 -> 23),
    budgets as on 30 November (food 300.00 > 100.00: 2 of 3), buffer against Aug-Oct (600.00 a month)."""
    body = get_json(client_of, "/insights/health-score?month=2025-11")
    assert [(c["name"], c["points"], c["value"]) for c in body["components"][:4]] == [
        ("savings_rate", 25, D("46.4")),
        ("expense_income_ratio", 23, D("53.6")),
        ("budgets_kept", 17, D("66.7")),
        ("buffer_months", 25, D("6.7")),  # 4015.01 / 600.00
    ]
    assert (body["financial_health_score"], body["status"]) == (90, "excellent")


def test_transfers_count_nowhere(client_of, customer):
    """A big transfer in December changes no figure (but both accounts' balances)."""
    before = {url: get_json(client_of, url) for url in ("/insights/spending", "/insights/cash-flow",
                                                         "/insights/top-merchants", "/insights/burn-rate")}
    f.transfer(customer.checking, customer.savings, "3000.00", on=date(2025, 12, 12))
    for url, body in before.items():
        assert get_json(client_of, url) == body
