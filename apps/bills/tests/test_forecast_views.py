"""The forecast's pages: ``GET /forecast`` (JSON), the account page's section, the bills
calendar, and the buffer on the account's edit form."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import simplejson
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Account
from apps.bills import services
from tests.factories import account

from .conftest import make_bill

pytestmark = pytest.mark.django_db
D = Decimal
START = date(2025, 11, 26)


def at(time_machine, day: date):
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def month(user, time_machine):
    """26 Nov 2025: Checking holds 1,000.00 (buffer 100.00); rent 850.00 on the 1st; salary 2,000.00 on the 25th."""
    at(time_machine, START)
    checking = account(user, "Checking", opening="1000.00")
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=D("100.00"))
    make_bill(checking, name="Rent", amount="850.00", starts_on=date(2025, 12, 1))
    make_bill(checking, name="Salary", amount="2000.00", kind="income", cat="salary", starts_on=date(2025, 12, 25))
    return checking


def get_json(client, **params):
    response = client.get("/forecast", params)
    assert response["Content-Type"] == "application/json"
    return response, simplejson.loads(response.content, use_decimal=True)


# --- GET /forecast ------------------------------------------------------------------------------

def test_forecast_json_by_hand(logged_in, month):
    response, data = get_json(logged_in, account=month.pk, days=30)
    assert response.status_code == 200
    assert data["account"] == {"id": month.pk, "name": "Checking", "currency": "USD"}
    assert (data["today"], data["end"], data["days"]) == ("2025-11-26", "2025-12-26", 30)
    assert (data["balance"], data["buffer"], data["floor"]) == (D("1000.00"), D("100.00"), D("100.00"))
    series = {p["date"]: p["balance"] for p in data["series"]}
    assert len(series) == 31
    assert series["2025-11-30"] == D("1000.00") and series["2025-12-01"] == D("150.00")
    assert series["2025-12-24"] == D("150.00") and series["2025-12-25"] == D("2150.00")
    [rent] = next(p["events"] for p in data["series"] if p["date"] == "2025-12-01")
    assert rent == {"name": "Rent", "amount": D("-850.00"), "kind": "bill", "item_id": rent["item_id"],
                    "due_on": "2025-12-01", "overdue": False, "estimated": False}
    assert data["lowest"] == {"date": "2025-12-01", "balance": D("150.00"), "after": rent}
    assert data["next_income"] == {"date": "2025-12-25", "name": "Salary", "amount": D("2000.00")}
    assert data["lowest_before_next_income"] == D("150.00")
    assert data["safe_to_spend"] == D("50.00")
    assert data["below_buffer"] is False and data["estimate"] is None
    # Exact decimals, digit for digit: never through a float.
    assert b'"safe_to_spend": 50.00' in response.content and b'"balance": 150.00' in response.content


def test_forecast_json_default_days_and_the_estimate(logged_in, month):
    _, data = get_json(logged_in, account=month.pk)
    assert data["days"] == 30 and len(data["series"]) == 31
    _, data = get_json(logged_in, account=month.pk, days=90, estimate=1)
    assert len(data["series"]) == 91
    assert data["estimate"]["is_estimate"] is True and data["estimate"]["daily_spending"] == D("0.00")
    assert "estimate" in data["estimate"]["note"].lower()
    assert all("estimated_balance" in p for p in data["series"])


@pytest.mark.parametrize("params", [
    {"days": "0"}, {"days": "366"}, {"days": "abc"}, {"days": "-1"}, {"days": "３０"}, {"days": "30.5"},
    {"estimate": "maybe"}, {"account": ""},
])
def test_forecast_json_bad_parameters_answer_400(logged_in, month, params):
    response, data = get_json(logged_in, **{"account": month.pk, **params})
    assert response.status_code == 400 and data["error"]


@pytest.mark.parametrize("days", ["1", "30", "60", "90", "365"])
def test_forecast_json_days(logged_in, month, days):
    response, data = get_json(logged_in, account=month.pk, days=days)
    assert response.status_code == 200 and len(data["series"]) == int(days) + 1


def test_another_customers_or_an_unknown_account_answers_404(logged_in, month, user_factory):
    theirs = account(user_factory(), "Theirs", opening="5.00")
    for value in (theirs.pk, 999999999, "abc", "9" * 40, "²"):
        response, data = get_json(logged_in, account=value)
        assert response.status_code == 404 and data == {"error": "No such account."}, value


def test_forecast_json_unknown_path_answers_404_json(logged_in):
    response = logged_in.get("/forecast/nope")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_forecast_json_logged_out_answers_401_and_post_405(client, logged_in, month):
    assert logged_in.post(f"/forecast?account={month.pk}").status_code == 405
    logged_in.logout()
    response, data = get_json(client, account=month.pk)
    assert response.status_code == 401 and data["error"]


def test_forecast_json_queries_do_not_grow_with_bills(client, user_factory, time_machine):
    at(time_machine, START)
    counts = []
    for n in (1, 50):
        owner = user_factory()
        acct = account(owner, "Checking", opening="100000.00")
        for i in range(n):
            make_bill(acct, name=f"Bill {i}", amount="1.00", frequency="weekly",
                      starts_on=START + timedelta(days=i % 7))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/forecast", {"account": acct.pk, "days": 90}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_forecast_json_names_what_the_goal_sets_aside(logged_in, user, month):
    Account.objects.filter(pk=month.pk).update(goal_amount=D("30.00"))
    response, data = get_json(logged_in, account=month.pk, days=30)
    assert (data["set_aside_for_goal"], data["safe_to_spend"]) == (D("30.00"), D("20.00"))
    assert b'"set_aside_for_goal": 30.00' in response.content
    html = logged_in.get(f"/accounts/{month.pk}/").content.decode()
    assert re.search(r'id="safe-to-spend" data-amount="20.00"', html)
    assert ('<span id="set-aside" data-amount="30.00">The 30.00 USD saved toward your goal is left aside too.</span>'
            in html)


# --- the account page -------------------------------------------------------------------------

def test_the_account_page_shows_the_forecast(logged_in, month):
    html = logged_in.get(f"/accounts/{month.pk}/").content.decode()
    assert 'id="forecast"' in html
    assert re.search(r'id="safe-to-spend" data-amount="50.00"', html)
    assert re.search(r'id="lowest-before-income" data-amount="150.00"', html)
    assert re.search(r'id="forecast-lowest" data-amount="150.00" data-date="2025-12-01"', html)
    assert "after Rent" in html and "Until Salary on" in html
    data = json.loads(re.search(r'<script id="forecast-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert data["balances"][5] == "150.00" and data["lowest_index"] == 5 and data["floor"] == "100.00"
    assert data["estimated"] is None
    assert (data["locale"], data["unit"]) == ("en-US", "USD")  # the figures written as the page writes them
    assert 'src="/static/js/forecast.js"' in html and "<script>" not in html  # no inline script (CSP)
    # The table fallback marks the lowest day.
    assert re.search(r'<tr data-date="2025-12-01" class="table-warning" data-lowest>', html)


def test_the_account_page_forecast_length_and_estimate(logged_in, month):
    html = logged_in.get(f"/accounts/{month.pk}/?forecast_days=60&estimate=1").content.decode()
    assert "Forecast, next 60 days" in html and 'id="forecast-estimate"' in html and "Estimate" in html
    data = json.loads(re.search(r'<script id="forecast-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert len(data["balances"]) == 61 and len(data["estimated"]) == 61
    # Anything else is the default.
    assert "Forecast, next 30 days" in logged_in.get(f"/accounts/{month.pk}/?forecast_days=7").content.decode()


def test_the_account_page_without_bills_says_so(logged_in, user, time_machine):
    at(time_machine, START)
    plain = account(user, "Plain", opening="10.00")
    html = logged_in.get(f"/accounts/{plain.pk}/").content.decode()
    assert 'id="forecast-empty"' in html and re.search(r'id="safe-to-spend" data-amount="10.00"', html)


def test_a_closed_account_has_no_forecast(logged_in, user):
    closed = account(user, "Old", opening="0.00")
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 1, 1))
    assert 'id="forecast"' not in logged_in.get(f"/accounts/{closed.pk}/").content.decode()


def test_the_account_page_queries_do_not_grow_with_bills(client, user_factory, time_machine):
    at(time_machine, START)
    counts = []
    for n in (1, 50):
        owner = user_factory()
        acct = account(owner, "Checking", opening="100000.00")
        for i in range(n):
            make_bill(acct, name=f"Bill {i}", amount="1.00", starts_on=START + timedelta(days=i % 28))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/accounts/{acct.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- the buffer on the account's edit form ------------------------------------------------------

def test_the_customer_sets_the_buffer(logged_in, month):
    response = logged_in.post(f"/accounts/{month.pk}/edit/", {"name": "Checking", "forecast_buffer": "250.50"})
    assert response.status_code == 302
    assert Account.objects.get(pk=month.pk).forecast_buffer == D("250.50")
    assert 'value="250.50"' in logged_in.get(f"/accounts/{month.pk}/edit/").content.decode()
    logged_in.post(f"/accounts/{month.pk}/edit/", {"name": "Checking", "forecast_buffer": ""})
    assert Account.objects.get(pk=month.pk).forecast_buffer == D("0.00")


@pytest.mark.parametrize("value", ["-5", "1.234", "abc"])
def test_a_bad_buffer_is_refused(logged_in, month, value):
    response = logged_in.post(f"/accounts/{month.pk}/edit/", {"name": "Checking", "forecast_buffer": value})
    assert response.status_code == 200 and Account.objects.get(pk=month.pk).forecast_buffer == D("100.00")


def test_the_buffer_is_a_database_rule(month):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=month.pk).update(forecast_buffer=D("-1.00"))


# --- the calendar -------------------------------------------------------------------------------

def test_the_calendar_shows_the_months_dates(logged_in, user, month, time_machine):
    rent = month.recurring_items.get(name="Rent")
    services.occurrence_mark_paid(user=user, item_id=rent.pk, due_on=date(2025, 12, 1), post=True)
    response = logged_in.get("/bills/calendar/?month=2025-12")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bills and income, December 2025" in html
    cell = re.search(r'data-date="2025-12-01">(.*?)</td>', html, re.S).group(1)
    assert "Rent" in cell and 'data-state="paid"' in cell
    cell = re.search(r'data-date="2025-12-25">(.*?)</td>', html, re.S).group(1)
    assert "Salary" in cell and 'data-state="upcoming"' in cell and "+2,000.00 USD" in cell
    assert 'data-bills="850.00"' in html and 'data-income="2000.00"' in html
    assert 'id="calendar-list"' in html  # the phone layout
    january = logged_in.get("/bills/calendar/?month=2026-01").content.decode()
    assert 'data-state="upcoming"' in re.search(r'data-date="2026-01-01">(.*?)</td>', january, re.S).group(1)


def test_the_calendar_marks_overdue_and_today(logged_in, user, month, time_machine):
    make_bill(month, name="Phone", amount="30.00", starts_on=START, remind_days=None)
    at(time_machine, date(2025, 11, 28))
    html = logged_in.get("/bills/calendar/").content.decode()
    assert "November 2025" in html
    assert 'data-state="overdue"' in re.search(r'data-date="2025-11-26">(.*?)</td>', html, re.S).group(1)
    assert re.search(r'class=" today" aria-current="date" data-date="2025-11-28"', html)


def test_the_calendar_empty_state_and_a_bad_month(logged_in, user):
    response = logged_in.get("/bills/calendar/?month=2025-13")
    assert response.status_code == 200
    assert 'id="calendar-empty"' in response.content.decode()
    assert any("is not a month we can show" in str(m) for m in get_messages(response.wsgi_request))


def test_the_calendar_shows_only_the_customers_own(logged_in, user_factory, month):
    other = user_factory()
    make_bill(account(other, "Theirs", opening="5.00"), name="Secret", starts_on=date(2025, 12, 3))
    assert "Secret" not in logged_in.get("/bills/calendar/?month=2025-12").content.decode()


def test_the_calendar_queries_do_not_grow_with_bills(client, user_factory, time_machine):
    at(time_machine, START)
    counts = []
    for n in (1, 50):
        owner = user_factory()
        acct = account(owner, "Checking", opening="100000.00")
        for i in range(n):
            make_bill(acct, name=f"Bill {i}", amount="1.00", frequency="weekly",
                      starts_on=START + timedelta(days=i % 7))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/bills/calendar/?month=2025-12").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
