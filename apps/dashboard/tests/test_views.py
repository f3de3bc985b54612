import datetime as dt
import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
import simplejson
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.alerts.models import Alert
from tests import factories as f
from tests.clock import NOW

pytestmark = pytest.mark.django_db

OVERVIEW = "/dashboard/overview"


def get_json(client, url=OVERVIEW, **params):
    response = client.get(url, params)
    assert response["Content-Type"] == "application/json"
    # parse_float=Decimal: read the numbers exactly as written.
    return response, simplejson.loads(response.content, use_decimal=True)


def amount(html: str, element_id: str) -> Decimal:
    match = re.search(rf'id="{element_id}"[^>]*data-amount="([^"]+)"', html)
    assert match, f"#{element_id} not on the page"
    return Decimal(match.group(1))


def budget_rows(html: str) -> dict[int, dict[str, Decimal]]:
    """budget id -> spent, limit, remaining, as shown on the page."""
    rows = {}
    for item in re.finditer(r'data-budget-id="(\d+)" data-level="(\w+)">(.*?)</li>', html, re.S):
        values = dict(re.findall(r'data-amount="([^"]+)" class="budget-(\w+)"', item.group(3)))
        values = {name: Decimal(value) for value, name in values.items()}
        values["remaining"] = Decimal(re.search(r'budget-remaining" data-amount="([^"]+)"', item.group(3)).group(1))
        values["exceeded"] = item.group(2) == "danger"
        rows[int(item.group(1))] = values
    return rows


# ---------------------------------------------------------------------------
# JSON overview
# ---------------------------------------------------------------------------

def test_overview_equals_sums_of_the_rows_created(client, scenario):
    client.force_login(scenario.user)
    response, data = get_json(client)

    assert response.status_code == 200
    december = date(2025, 12, 1)
    total = sum((scenario.balance(n) for n in ("Checking", "Savings", "Card")), Decimal(0))
    assert set(data) == {"accounts", "monthly_spending", "budgets", "alerts_count"}
    assert data["accounts"] == {"total_accounts": 3, "total_balance": total}
    assert data["monthly_spending"] == {"month": "2025-12", "total_spent": scenario.spent(december)}
    # The transfers (750.00) are in the ledger but not in the spending.
    assert scenario.spent(december) == Decimal("1588.44")
    assert data["alerts_count"] == 2
    expected_budgets = []
    for name in ("food", "shopping", "transport"):  # ordered by category name
        budget = scenario.budgets[name]
        spent = scenario.spent(december, name)
        expected_budgets.append({
            "budget_id": budget.pk, "category": name, "currency": "USD", "limit": budget.limit, "spent": spent,
            "remaining": budget.limit - spent, "exceeded": spent > budget.limit,
        })
    assert data["budgets"] == expected_budgets
    assert data["budgets"][1]["remaining"] == Decimal("-20.00")  # shopping: 120.00 of 100.00
    assert data["budgets"][1]["exceeded"] is True


def test_overview_for_another_month(client, scenario):
    client.force_login(scenario.user)
    _, data = get_json(client, month="2025-11")
    november = date(2025, 11, 1)
    assert data["monthly_spending"] == {"month": "2025-11", "total_spent": scenario.spent(november)}
    by_category = {b["category"]: b for b in data["budgets"]}
    assert by_category["shopping"]["spent"] == Decimal("310.40")
    assert by_category["shopping"]["exceeded"] is True
    assert by_category["food"]["spent"] == scenario.spent(november, "food") == Decimal("51.25")
    # Balances are those at the end of that month, not today's.
    end = date(2025, 11, 30)
    assert data["accounts"] == {"total_accounts": 3, "total_balance": sum(
        (scenario.balance(n, on=end) for n in ("Checking", "Savings", "Card")), Decimal(0))}
    assert data["accounts"]["total_balance"] != sum(
        (scenario.balance(n) for n in ("Checking", "Savings", "Card")), Decimal(0))


def test_overview_writes_decimals_digit_for_digit(client, user_factory, now):
    user = user_factory()
    account = f.account(user, "Main", opening=Decimal("4500.10"))
    f.expense(account, "1200.00", on=date(2025, 12, 3), category="rent")
    client.force_login(user)

    response = client.get(OVERVIEW)

    body = response.content.decode()
    assert '"total_balance": 3300.10' in body
    assert '"total_spent": 1200.00' in body
    # And as a number, not a string.
    assert json.loads(body)["accounts"]["total_balance"] == 3300.1


def test_overview_new_user_is_all_zeros(client, user_factory, now):
    user = user_factory()
    client.force_login(user)
    _, data = get_json(client)
    assert data == {"accounts": {"total_accounts": 0, "total_balance": Decimal("0.00")},
                    "monthly_spending": {"month": "2025-12", "total_spent": Decimal("0.00")},
                    "budgets": [], "alerts_count": 0}


def test_overview_by_currency_only_with_several_currencies(client, user_factory, now):
    user = user_factory(default_currency="USD")
    f.account(user, "Dollars", opening=Decimal("100.50"), currency="USD")
    f.account(user, "More dollars", opening=Decimal("0.25"), currency="USD")
    client.force_login(user)
    _, data = get_json(client)
    assert data["accounts"] == {"total_accounts": 2, "total_balance": Decimal("100.75")}

    f.account(user, "Euros", opening=Decimal("4500.10"), currency="EUR")
    _, data = get_json(client)
    assert data["accounts"] == {
        "total_accounts": 3,
        "total_balance": Decimal("100.75"),  # the default currency's total: currencies are never added up
        "by_currency": {"USD": Decimal("100.75"), "EUR": Decimal("4500.10")},
    }


def test_overview_anonymous_gets_401_json_not_a_redirect(client):
    response, data = get_json(client)
    assert response.status_code == 401
    assert set(data) == {"error"}
    assert "log in" in data["error"].lower()


@pytest.mark.parametrize("month", ["2025-13", "abc", "2025-1", "2025-00", "25-12", "2025-12-01", "0000-01",
                                   "0001-01", "9999-12", "２０２５-１２", "²⁰²⁵-⁰⁶", "2025-12\n", " 2025-06"])
def test_overview_malformed_month_is_400_json(client, user_factory, month):
    client.force_login(user_factory())
    response, data = get_json(client, month=month)
    assert response.status_code == 400
    assert set(data) == {"error"}
    assert "YYYY-MM" in data["error"] or "between" in data["error"]


def test_overview_only_answers_get(client, user_factory):
    client.force_login(user_factory())
    response = client.post(OVERVIEW)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert set(json.loads(response.content)) == {"error"}


def test_overview_is_not_cached(client, user_factory, now):
    client.force_login(user_factory())
    assert "private" in client.get(OVERVIEW)["Cache-Control"]


@pytest.mark.parametrize(
    ("time_zone", "moment", "month"),
    [
        ("Pacific/Auckland", dt.datetime(2025, 11, 30, 11, 30, tzinfo=dt.UTC), "2025-12"),  # 1 Dec 00:30 there
        ("America/Los_Angeles", dt.datetime(2025, 12, 1, 7, 59, tzinfo=dt.UTC), "2025-11"),  # 30 Nov 23:59 there
        ("America/Los_Angeles", dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.UTC), "2025-12"),  # 1 Dec 00:00 there
    ],
)
def test_overview_default_month_at_the_boundary_in_the_users_time_zone(
        client, user_factory, time_machine, time_zone, moment, month):
    user = user_factory(time_zone=time_zone)
    account = f.account(user, "Main", opening=Decimal("1000.00"))
    f.expense(account, "11.11", on=date(2025, 11, 30), category="food")
    f.expense(account, "22.22", on=date(2025, 12, 1), category="food")
    budget = f.budget(user, "food", "20.00")
    time_machine.move_to(moment, tick=False)
    client.force_login(user)

    _, data = get_json(client)

    spent = {"2025-11": Decimal("11.11"), "2025-12": Decimal("22.22")}[month]
    assert data["monthly_spending"] == {"month": month, "total_spent": spent}
    assert data["budgets"] == [{"budget_id": budget.pk, "category": "food", "currency": "USD",
                                "limit": Decimal("20.00"), "spent": spent, "remaining": Decimal("20.00") - spent,
                                "exceeded": spent > 20}]


# ---------------------------------------------------------------------------
# HTML page
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("month", [None, "2025-11", "2025-06"])
def test_page_shows_the_same_figures_as_the_json(client, scenario, month):
    client.force_login(scenario.user)
    params = {"month": month} if month else {}
    _, data = get_json(client, **params)
    response = client.get(reverse("dashboard:home"), params)
    html = response.content.decode()

    assert response.status_code == 200
    assert f'data-month="{data["monthly_spending"]["month"]}"' in html
    assert amount(html, "total-balance") == data["accounts"]["total_balance"]
    assert re.search(r'id="total-accounts">(\d+)<', html).group(1) == str(data["accounts"]["total_accounts"])
    assert amount(html, "month-spent") == data["monthly_spending"]["total_spent"]
    assert re.search(r'id="alerts-count">(\d+)<', html).group(1) == str(data["alerts_count"])
    shown = budget_rows(html)
    assert set(shown) == {b["budget_id"] for b in data["budgets"]}
    for b in data["budgets"]:
        assert shown[b["budget_id"]] == {"spent": b["spent"], "limit": b["limit"], "remaining": b["remaining"],
                                         "exceeded": b["exceeded"]}


def test_page_at_slash_and_dashboard(client, scenario):
    client.force_login(scenario.user)
    assert reverse("dashboard:home") == "/"
    assert reverse("dashboard:dashboard") == "/dashboard/"
    for url in ("/", "/dashboard/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.templates[0].name == "dashboard/home.html"


def test_page_sections(client, scenario):
    client.force_login(scenario.user)
    html = client.get("/").content.decode()
    december, november = date(2025, 12, 1), date(2025, 11, 1)

    # This month vs last month.
    assert amount(html, "previous-month-spent") == scenario.spent(november)
    assert amount(html, "month-income") == scenario.earned(december)
    # Each account's balance.
    for name, account in scenario.accounts.items():
        row = re.search(rf'data-account-id="{account.pk}">.*?data-amount="([^"]+)"', html, re.S)
        assert Decimal(row.group(1)) == scenario.balance(name)
    # Spending by category: chart data (strings) and its table.
    data = json.loads(unescape(re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', html,
                                         re.S).group(1)))
    # One chart per currency, each naming its canvas and currency: here one currency.
    [categories], [history_chart] = data["categories"], data["history"]
    assert (categories["canvas"], categories["currency"]) == ("chart-categories", "USD")
    assert (history_chart["canvas"], history_chart["currency"]) == ("chart-history", "USD")
    assert categories["labels"][:2] == ["Rent", "Food"]
    assert categories["values"][:2] == ["1200.00", "141.05"]
    assert history_chart["spending"] == [str(scenario.spent(date(2025, m, 1))) for m in range(7, 13)]
    assert history_chart["income"] == [str(scenario.earned(date(2025, m, 1))) for m in range(7, 13)]
    table = re.search(r'id="table-categories".*?</table>', html, re.S).group(0)
    assert 'data-amount="141.05"' in table and ">Food<" in table
    history = re.search(r'id="table-history".*?</table>', html, re.S).group(0)
    assert history.count('data-month="2025-') == 6
    # Budgets coloured by status: food on track, transport past its warning, shopping exceeded.
    for name, level, width in [("food", "success", 28), ("transport", "warning", 89), ("shopping", "danger", 100)]:
        item = re.search(rf'data-budget-id="{scenario.budgets[name].pk}" data-level="{level}">(.*?)</li>', html, re.S)
        assert f"progress-bar bg-{level} budget-bar-{width}" in item.group(1)
    assert "Over budget" in html
    # The six latest transactions.
    assert len(re.findall(r"data-transaction-id=", html)) == 6
    # Unread alerts link to the alerts page; the navigation badge shows the same count.
    assert f'href="{reverse("alerts:list")}">Read your alerts' in html
    assert re.search(r'id="alert-badge">2<', html)
    # Another customer's data is nowhere.
    assert "Their checking" not in html and "7,777.00" not in html


def test_page_has_no_inline_script_and_loads_chartjs_from_static(client, scenario):
    client.force_login(scenario.user)
    html = client.get("/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert 'src="/static/js/dashboard.js"' in html
    assert " on" not in " ".join(re.findall(r"<[^>]+ on[a-z]+=", html))  # no inline event handlers
    assert 'style="' not in html.split("<main", 1)[1]  # no inline styles in the page either


def test_page_month_picker_moves_the_whole_page(client, scenario):
    client.force_login(scenario.user)
    html = client.get("/", {"month": "2025-11"}).content.decode()
    assert 'name="month" value="2025-11"' in html
    assert 'href="?month=2025-10"' in html and 'href="?month=2025-12"' in html
    assert amount(html, "month-spent") == scenario.spent(date(2025, 11, 1))
    assert amount(html, "previous-month-spent") == scenario.spent(date(2025, 10, 1))
    history = re.findall(r'<tr data-month="([0-9-]+)">', html)
    assert history == ["2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11"]
    assert ">This month</a>" in html


@pytest.mark.parametrize("month", ["2025-13", "abc", "2025-1", "<script>"])
def test_page_bad_month_falls_back_to_this_month_with_a_message(client, scenario, month):
    client.force_login(scenario.user)
    response = client.get("/", {"month": month})
    assert response.status_code == 200
    [message] = list(get_messages(response.wsgi_request))
    assert "is not a month we can show" in str(message)
    html = response.content.decode()
    assert 'data-month="2025-12"' in html
    assert "<script>”" not in html  # what the user typed is escaped


def test_page_empty_state_for_a_new_user(client, user_factory, now):
    user = user_factory()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'id="empty-state"' in html
    for step in ("Open an account", "Add a transaction", "Import a statement", "Set a budget"):
        assert step in html
    assert 'id="total-balance"' not in html
    for name in ("accounts:create", "transactions:expense", "budgets:create"):
        assert f'href="{reverse(name)}"' in html


def test_page_without_budgets_or_transactions_points_to_next_steps(client, user_factory, now):
    user = user_factory()
    f.account(user, "Main")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'id="empty-state"' not in html
    assert 'id="no-budgets"' in html and 'id="no-transactions"' in html and 'id="no-spending"' in html


def test_page_multi_currency_lists_each_total(client, user_factory, now):
    user = user_factory(default_currency="USD")
    f.account(user, "Dollars", opening=Decimal("100.50"), currency="USD")
    f.account(user, "Euros", opening=Decimal("4500.10"), currency="EUR")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert amount(html, "total-balance") == Decimal("100.50")
    assert 'data-currency="EUR" data-amount="4500.10">4,500.10 EUR' in html


def test_page_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unread_alert_count_counts_only_unread(client, scenario):
    Alert.objects.filter(owner=scenario.user).update(read_at=NOW)
    client.force_login(scenario.user)
    _, data = get_json(client)
    assert data["alerts_count"] == 0
    assert re.search(r'id="alerts-count">0<', client.get("/").content.decode())



def test_overview_budgets_of_every_period_shape_equal_the_row_sums(client, user_factory, now):
    """Whole months come from the monthly totals, the edges of a window from the rows:
    every shape of window must still add up to the plain sum of the entries in it."""
    from datetime import timedelta

    from apps.budgets.models import Budget

    user = user_factory()
    other = user_factory()
    account = f.account(user, "Main", opening=Decimal("100000.00"))
    savings = f.account(user, "Savings")
    theirs = f.account(other, "Theirs", opening=Decimal("100000.00"))
    food = []
    # The user's own category for income and expenses (a default "food" takes expenses only).
    groceries = f.category("groceries", user=user)
    day = date(2025, 8, 1)
    while day <= date(2026, 2, 28):
        amount = Decimal("1.00") + Decimal(day.toordinal() % 97) / 100
        f.expense(account, amount, on=day, category=groceries)
        food.append((day, amount))
        if day.day in (1, 15):
            f.expense(theirs, "9.99", on=day, category="food")
            f.transfer(account, savings, "50.00", on=day)
            f.income(account, "75.00", on=day, category=groceries)  # income in the same category is not spending
        day += timedelta(days=1)
    budgets = {
        # period: (start date, the window containing 15 Dec 2025, the start of the one containing 30 Nov 2025)
        Budget.Period.WEEKLY: (date(2025, 1, 1), date(2025, 12, 10), date(2025, 12, 16), date(2025, 11, 26)),
        Budget.Period.MONTHLY: (date(2025, 1, 15), date(2025, 12, 15), date(2026, 1, 14), date(2025, 11, 15)),
        Budget.Period.QUARTERLY: (date(2025, 2, 10), date(2025, 11, 10), date(2026, 2, 9), date(2025, 11, 10)),
        Budget.Period.YEARLY: (date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 27), date(2025, 2, 28)),
    }
    made = {f.budget(user, groceries, "100.00", period=period, start=start).pk: (first, last, november_start)
            for period, (start, first, last, november_start) in budgets.items()}
    ids = {pk: (first, last) for pk, (first, last, _) in made.items()}
    client.force_login(user)

    _, data = get_json(client)
    assert len(data["budgets"]) == 4
    for b in data["budgets"]:
        first, last = ids[b["budget_id"]]
        assert b["spent"] == sum((a for d, a in food if first <= d <= last), Decimal(0)), b

    # A past month: each budget's own period containing its last day, counted up to that day.
    _, data = get_json(client, month="2025-11")
    assert len(data["budgets"]) == 4
    for b in data["budgets"]:
        start = made[b["budget_id"]][2]
        assert b["spent"] == sum((a for d, a in food if start <= d <= date(2025, 11, 30)), Decimal(0)), b


def test_latest_transactions_name_the_payee_then_the_description_then_the_kind(client, user_factory, now):
    """A quick entry has a payee and no description: the dashboard names it as the list does."""
    user = user_factory()
    acct = f.account(user, "Main", opening="100.00")
    f.expense(acct, "4.20", payee="Corner shop")
    f.expense(acct, "3.00", description="Bus ticket")
    f.expense(acct, "2.00", payee="Baker & Sons", description="Bread")
    client.force_login(user)
    html = client.get("/").content.decode()
    latest = html[html.index('id="latest-transactions"'):]
    latest = latest[:latest.index("</table>")]
    cells = re.findall(r"<tr data-transaction-id=\"\d+\">\s*<td[^>]*>.*?</td>\s*<td[^>]*>([^<]*)", latest, re.S)
    assert [c.strip() for c in cells[:3]] == ["Baker &amp; Sons", "Bus ticket", "Corner shop"]
    assert "Opening balance" in cells[3]
