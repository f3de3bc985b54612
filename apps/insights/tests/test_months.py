"""Months as the customer lives them: their time zone decides what "this month" is, burn
rates divide by the real number of days (28, 29, 30 or 31), and a month that cannot be read
is a 400 in JSON. Logged out is a 401 in JSON; anything but GET a 405."""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest

from tests import factories as f

from .conftest import get_json

pytestmark = pytest.mark.django_db

D = Decimal
URLS = ["/insights/spending", "/insights/cash-flow", "/insights/top-merchants", "/insights/health-score",
        "/insights/burn-rate"]


def customer_at(client, time_machine, moment, *, time_zone="UTC"):
    time_machine.move_to(moment, tick=False)
    user = f.UserFactory(time_zone=time_zone)
    client.force_login(user)
    return user, f.account(user, "Checking", opening="1000.00")


def test_auckland_is_already_in_december_while_utc_is_in_november(client, time_machine):
    """30 November 2025 12:00 UTC is 1 December 01:00 in Auckland: this month is December,
    one day of it elapsed."""
    user, checking = customer_at(client, time_machine, dt.datetime(2025, 11, 30, 12, 0, tzinfo=dt.UTC),
                                 time_zone="Pacific/Auckland")
    f.expense(checking, "50.00", on=date(2025, 11, 30), description="Bakery")
    f.expense(checking, "20.00", on=date(2025, 12, 1), description="Cafe")
    assert get_json(client, "/insights/burn-rate") == {
        "month": "2025-12", "days_elapsed": 1, "total_spent": D("20.00"), "daily_burn_rate": D("20.00"),
        "projected_monthly_spend": D("620.00"), "currency": "USD"}
    spending = get_json(client, "/insights/spending")
    assert spending["trend"] == {"current_month": "2025-12", "current_total": D("20.00"),
                                 "previous_month": "2025-11", "previous_total": D("50.00"), "change": D("-30.00"),
                                 "trend": "decrease"}
    assert get_json(client, "/insights/cash-flow")["month"] == "2025-12"
    assert get_json(client, "/insights/top-merchants")["top_merchants"] == [
        {"merchant": "Cafe", "total_spent": D("20.00")}]
    # November is a past month for this customer: all its 30 days elapsed.
    assert get_json(client, "/insights/burn-rate?month=2025-11")["days_elapsed"] == 30


def test_utc_customer_is_still_in_november_at_the_same_moment(client, time_machine):
    user, checking = customer_at(client, time_machine, dt.datetime(2025, 11, 30, 12, 0, tzinfo=dt.UTC))
    f.expense(checking, "50.00", on=date(2025, 11, 30))
    assert get_json(client, "/insights/burn-rate") == {
        "month": "2025-11", "days_elapsed": 30, "total_spent": D("50.00"), "daily_burn_rate": D("1.67"),
        "projected_monthly_spend": D("50.10"), "currency": "USD"}


def test_february_of_a_leap_year_has_29_days(client, time_machine):
    user, checking = customer_at(client, time_machine, dt.datetime(2024, 2, 20, 12, 0, tzinfo=dt.UTC))
    f.expense(checking, "58.00", on=date(2024, 2, 3))
    assert get_json(client, "/insights/burn-rate") == {
        "month": "2024-02", "days_elapsed": 20, "total_spent": D("58.00"), "daily_burn_rate": D("2.90"),
        "projected_monthly_spend": D("84.10"), "currency": "USD"}  # 2.90 x 29


def test_a_past_february_has_28_days(client, time_machine):
    user, checking = customer_at(client, time_machine, dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC))
    f.expense(checking, "100.00", on=date(2025, 2, 14))
    assert get_json(client, "/insights/burn-rate?month=2025-02") == {
        "month": "2025-02", "days_elapsed": 28, "total_spent": D("100.00"), "daily_burn_rate": D("3.57"),
        "projected_monthly_spend": D("99.96"), "currency": "USD"}  # 3.5714... -> 3.57, x 28


def test_a_past_31_day_month(client, time_machine):
    user, checking = customer_at(client, time_machine, dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC))
    f.expense(checking, "100.00", on=date(2025, 10, 31))
    assert get_json(client, "/insights/burn-rate?month=2025-10") == {
        "month": "2025-10", "days_elapsed": 31, "total_spent": D("100.00"), "daily_burn_rate": D("3.23"),
        "projected_monthly_spend": D("100.13"), "currency": "USD"}  # 3.2258... -> 3.23, x 31


def test_daily_rate_rounds_half_up(client, time_machine):
    user, checking = customer_at(client, time_machine, dt.datetime(2025, 12, 2, 12, 0, tzinfo=dt.UTC))
    f.expense(checking, "0.05", on=date(2025, 12, 1))
    body = get_json(client, "/insights/burn-rate")
    assert (body["daily_burn_rate"], body["projected_monthly_spend"]) == (D("0.03"), D("0.93"))  # 0.025 -> 0.03


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("month", ["2025-13", "９９９９-01", "2025-1", "0000-01", "9999-12", "2025-00", "abc"])
def test_a_month_that_cannot_be_read_is_a_400_in_json(client, user, url, month):
    client.force_login(user)
    body = get_json(client, f"{url}?month={month}", status=400)
    assert set(body) == {"error"}
    assert "Invalid month" in body["error"]


@pytest.mark.parametrize("url", URLS)
def test_logged_out_is_a_401_in_json(client, db, url):
    assert get_json(client, url, status=401) == {"error": "Authentication required: log in first."}


@pytest.mark.parametrize("url", URLS)
def test_post_is_a_405(client, user, url):
    client.force_login(user)
    response = client.post(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("url", URLS)
def test_a_new_customer_gets_zeros_not_errors(client, user, url, time_machine):
    time_machine.move_to(dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(user)
    body = get_json(client, url)
    assert body["currency"] == "USD"
    assert "by_currency" not in body
