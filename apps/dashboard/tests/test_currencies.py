"""No figure on the dashboard adds two currencies.

A customer whose default currency is USD keeps a USD and a EUR account and spends 100.00
on food in each this month: every figure (the JSON, the page's cards, per-currency lists,
charts and tables, the budgets and the alerts they raise) says 100.00 in its currency,
never 200.00 of anything."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
import simplejson
from django.urls import reverse

from apps.alerts.models import Alert
from apps.budgets.models import Budget
from apps.budgets.services import budget_create
from apps.transactions import services
from tests.clock import NOW
from tests.factories import category

pytestmark = pytest.mark.django_db

D = Decimal
DECEMBER, NOVEMBER = date(2025, 12, 1), date(2025, 11, 1)


@dataclass
class Customer:
    user: object
    usd: object
    eur: object


@pytest.fixture
def customer(user_factory, time_machine) -> Customer:
    """USD by default; 100.00 of food in each currency this month, less last month, and income."""
    time_machine.move_to(NOW, tick=False)  # 15 December 2025
    user = user_factory(default_currency="USD", time_zone="UTC")
    usd = services.account_open(user=user, name="Dollars", currency="USD", opening_balance=D("1000.00"),
                                opened_on=date(2025, 1, 1))
    eur = services.account_open(user=user, name="Euros", currency="EUR", opening_balance=D("500.00"),
                                opened_on=date(2025, 1, 1))
    food, salary = category("food"), category("salary")
    services.expense_post(user=user, account_id=usd.pk, amount=D("100.00"), category=food,
                          occurred_on=date(2025, 12, 3))
    services.expense_post(user=user, account_id=eur.pk, amount=D("100.00"), category=food,
                          occurred_on=date(2025, 12, 4))
    services.expense_post(user=user, account_id=usd.pk, amount=D("40.00"), category=food,
                          occurred_on=date(2025, 11, 20))
    services.expense_post(user=user, account_id=eur.pk, amount=D("30.00"), category=food,
                          occurred_on=date(2025, 11, 21))
    services.income_post(user=user, account_id=usd.pk, amount=D("2000.00"), category=salary,
                         occurred_on=date(2025, 12, 1))
    services.income_post(user=user, account_id=eur.pk, amount=D("300.00"), category=salary,
                         occurred_on=date(2025, 11, 5))
    return Customer(user=user, usd=usd, eur=eur)


def food_budgets(user, limit: str) -> tuple[Budget, Budget]:
    """A monthly USD and a monthly EUR food budget (one active budget per category, period
    and currency), created through the service: it evaluates them at once."""
    usd = budget_create(user=user, category=category("food"), limit=D(limit), currency="USD",
                        start_date=DECEMBER)
    eur = budget_create(user=user, category=category("food"), limit=D(limit), currency="EUR",
                        start_date=DECEMBER)
    assert usd.period == eur.period == Budget.Period.MONTHLY
    return usd, eur


def get_json(client, **params) -> dict:
    response = client.get(reverse("dashboard:overview"), params)
    assert response.status_code == 200
    return simplejson.loads(response.content, use_decimal=True)


def page(client, **params) -> str:
    response = client.get(reverse("dashboard:home"), params)
    assert response.status_code == 200
    return response.content.decode()


def element(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}".*?</\1>', html, re.S)
    assert match, f"#{element_id} not on the page"
    return match.group(0)


def amount(html: str, element_id: str) -> Decimal:
    return D(re.search(r'data-amount="([^"]+)"', element(html, element_id)).group(1))


def per_currency(html: str, element_id: str) -> dict[str, Decimal]:
    return {currency: D(value) for currency, value in
            re.findall(r'data-currency="(\w+)" data-amount="([^"]+)"', element(html, element_id))}


def table_rows(html: str, element_id: str) -> dict[str, list[Decimal]]:
    """First cell of each body row -> the amounts in the row."""
    body = re.search(r"<tbody>(.*?)</tbody>", element(html, element_id), re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr\b.*?</tr>", body, re.S):
        head = re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1).strip()
        rows[head] = [D(v) for v in re.findall(r'data-amount="([^"]+)"', row)]
    return rows


def chart_data(html: str) -> dict:
    return json.loads(unescape(re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', html,
                                         re.S).group(1)))


def budget_row(html: str, budget_id: int) -> str:
    return re.search(rf'data-budget-id="{budget_id}".*?</li>', html, re.S).group(0)


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

def test_overview_keeps_every_currency_apart(client, customer):
    usd_budget, eur_budget = food_budgets(customer.user, "150.00")
    client.force_login(customer.user)

    data = get_json(client)

    assert data["accounts"] == {
        "total_accounts": 2,
        "total_balance": D("2860.00"),  # the USD accounts: 1000.00 + 2000.00 - 40.00 - 100.00
        "by_currency": {"USD": D("2860.00"), "EUR": D("670.00")},  # 500.00 + 300.00 - 30.00 - 100.00
    }
    assert data["monthly_spending"] == {
        "month": "2025-12",
        "total_spent": D("100.00"),  # the default currency's: not 200.00
        "by_currency": {"USD": D("100.00"), "EUR": D("100.00")},
    }
    assert list(data["monthly_spending"]["by_currency"]) == ["USD", "EUR"]  # the default currency first
    assert sorted(data["budgets"], key=lambda b: b["currency"]) == [
        {"budget_id": eur_budget.pk, "category": "food", "currency": "EUR", "limit": D("150.00"),
         "spent": D("100.00"), "remaining": D("50.00"), "exceeded": False},
        {"budget_id": usd_budget.pk, "category": "food", "currency": "USD", "limit": D("150.00"),
         "spent": D("100.00"), "remaining": D("50.00"), "exceeded": False},
    ]
    assert data["alerts_count"] == 0


def test_overview_last_month_per_currency(client, customer):
    client.force_login(customer.user)
    data = get_json(client, month="2025-11")
    assert data["monthly_spending"] == {"month": "2025-11", "total_spent": D("40.00"),
                                        "by_currency": {"USD": D("40.00"), "EUR": D("30.00")}}
    # Balances at the end of November: December's entries taken back.
    assert data["accounts"]["by_currency"] == {"USD": D("960.00"), "EUR": D("770.00")}
    assert data["accounts"]["total_balance"] == D("960.00")


def test_overview_one_currency_has_no_by_currency(client, user_factory, time_machine):
    time_machine.move_to(NOW, tick=False)
    user = user_factory(default_currency="USD")
    account = services.account_open(user=user, name="Dollars", opening_balance=D("500.00"),
                                    opened_on=date(2025, 1, 1))
    services.expense_post(user=user, account_id=account.pk, amount=D("12.34"), category=category("food"),
                          occurred_on=date(2025, 12, 2))
    client.force_login(user)
    assert get_json(client)["monthly_spending"] == {"month": "2025-12", "total_spent": D("12.34")}


def test_spending_only_in_another_currency_is_not_the_default_total(client, user_factory, time_machine):
    """The default currency's total is 0.00, and the euros are listed on their own."""
    time_machine.move_to(NOW, tick=False)
    user = user_factory(default_currency="USD")
    eur = services.account_open(user=user, name="Euros", currency="EUR", opening_balance=D("500.00"),
                                opened_on=date(2025, 1, 1))
    services.expense_post(user=user, account_id=eur.pk, amount=D("25.50"), category=category("food"),
                          occurred_on=date(2025, 12, 2))
    client.force_login(user)

    assert get_json(client)["monthly_spending"] == {"month": "2025-12", "total_spent": D("0.00"),
                                                    "by_currency": {"EUR": D("25.50")}}
    html = page(client)
    assert amount(html, "month-spent") == D("0.00")
    assert per_currency(html, "spent-by-currency") == {"EUR": D("25.50")}
    assert 'id="table-categories"' not in html  # nothing spent in USD
    assert table_rows(html, "table-categories-eur") == {"Food": [D("25.50")]}
    # The history always has the default currency (zeros here), and the euros beside it.
    assert table_rows(html, "table-history")["Dec 2025"] == [D("0.00"), D("0.00")]
    assert table_rows(html, "table-history-eur")["Dec 2025"] == [D("0.00"), D("25.50")]
    assert [c["currency"] for c in chart_data(html)["history"]] == ["USD", "EUR"]


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

def test_page_shows_each_currency_on_its_own(client, customer):
    usd_budget, eur_budget = food_budgets(customer.user, "150.00")
    client.force_login(customer.user)

    html = page(client)

    # The cards: the default currency's figures, and a list per currency for the month's spending.
    assert amount(html, "total-balance") == D("2860.00")
    assert per_currency(html, "balance-by-currency") == {"USD": D("2860.00"), "EUR": D("670.00")}
    assert amount(html, "month-spent") == D("100.00")
    assert "100.00 <span class=\"fs-6\">USD</span>" in element(html, "month-spent")
    assert per_currency(html, "spent-by-currency") == {"USD": D("100.00"), "EUR": D("100.00")}
    assert amount(html, "previous-month-spent") == D("40.00")  # November in USD: not 70.00
    assert amount(html, "month-income") == D("2000.00")
    assert "60.00 USD more" in element(html, "spending-change")  # 100.00 - 40.00, in USD only

    # Spending by category: one table (and chart) per currency, the default one keeping its ids.
    assert table_rows(html, "table-categories") == {"Food": [D("100.00")]}
    assert table_rows(html, "table-categories-eur") == {"Food": [D("100.00")]}
    assert 'data-currency="USD"' in element(html, "table-categories")
    assert "Spent (EUR)" in element(html, "table-categories-eur")
    assert 'id="chart-categories"' in html and 'id="chart-categories-eur"' in html

    # Income vs spending: one table (and chart) per currency; rows are (income, spending).
    usd_history, eur_history = table_rows(html, "table-history"), table_rows(html, "table-history-eur")
    assert list(usd_history) == ["Jul 2025", "Aug 2025", "Sep 2025", "Oct 2025", "Nov 2025", "Dec 2025"]
    assert usd_history["Dec 2025"] == [D("2000.00"), D("100.00")]
    assert usd_history["Nov 2025"] == [D("0.00"), D("40.00")]
    assert eur_history["Dec 2025"] == [D("0.00"), D("100.00")]
    assert eur_history["Nov 2025"] == [D("300.00"), D("30.00")]
    assert "Income (EUR)" in element(html, "table-history-eur")
    assert 'id="chart-history"' in html and 'id="chart-history-eur"' in html

    # The charts get their currency and canvas from the data.
    data = chart_data(html)
    assert [(c["canvas"], c["currency"], c["values"]) for c in data["categories"]] == [
        ("chart-categories", "USD", ["100.00"]), ("chart-categories-eur", "EUR", ["100.00"])]
    assert [(c["canvas"], c["currency"], c["spending"][-2:], c["income"][-2:]) for c in data["history"]] == [
        ("chart-history", "USD", ["40.00", "100.00"], ["0.00", "2000.00"]),
        ("chart-history-eur", "EUR", ["30.00", "100.00"], ["300.00", "0.00"]),
    ]
    assert "currency" not in data  # no page-wide currency for the charts to assume

    # Each budget in its own currency.
    for budget, currency in ((usd_budget, "USD"), (eur_budget, "EUR")):
        row = budget_row(html, budget.pk)
        assert 'data-amount="100.00" class="budget-spent"' in row
        assert f'data-amount="150.00" class="budget-limit">150.00</span> {currency}' in row
        assert f"50.00 {currency}</span> left" in row
        assert {"USD": "EUR", "EUR": "USD"}[currency] not in row

    assert "200.00" not in html.replace("2,000.00", "")


def test_page_one_currency_keeps_one_chart_each(client, user_factory, time_machine):
    time_machine.move_to(NOW, tick=False)
    user = user_factory(default_currency="USD")
    account = services.account_open(user=user, name="Dollars", opening_balance=D("500.00"),
                                    opened_on=date(2025, 1, 1))
    services.expense_post(user=user, account_id=account.pk, amount=D("12.34"), category=category("food"),
                          occurred_on=date(2025, 12, 2))
    client.force_login(user)
    html = page(client)
    assert 'id="spent-by-currency"' not in html
    assert re.findall(r'<canvas id="([a-z-]+)"', html) == ["chart-categories", "chart-history"]
    assert re.findall(r'id="(table-(?:categories|history)[a-z-]*)"', html) == ["table-categories", "table-history"]


# ---------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------

def test_alerts_count_each_budgets_own_currency(client, customer):
    """Budgets of 90.00 in each currency: each is over by 10.00 in its currency, never by 110.00."""
    usd_budget, eur_budget = food_budgets(customer.user, "90.00")

    messages = {a.budget_id: a.message for a in Alert.objects.filter(owner=customer.user)}

    assert set(messages) == {usd_budget.pk, eur_budget.pk}
    assert "100.00 USD spent of 90.00 USD" in messages[usd_budget.pk]
    assert "100.00 EUR spent of 90.00 EUR" in messages[eur_budget.pk]
    for message in messages.values():
        assert "200.00" not in message
    assert "EUR" not in messages[usd_budget.pk] and "USD" not in messages[eur_budget.pk]

    client.force_login(customer.user)
    data = get_json(client)
    assert data["alerts_count"] == 2
    assert {b["currency"]: (b["spent"], b["remaining"], b["exceeded"]) for b in data["budgets"]} == {
        "USD": (D("100.00"), D("-10.00"), True), "EUR": (D("100.00"), D("-10.00"), True)}
    html = page(client)
    assert "Over budget</span> by" in budget_row(html, usd_budget.pk)
    assert "10.00 USD</span>" in budget_row(html, usd_budget.pk)
    assert "10.00 EUR</span>" in budget_row(html, eur_budget.pk)


def test_a_later_expense_alerts_in_its_own_currency(customer):
    """The alert raised by a new expense (not by creating the budget) is in the budget's currency."""
    budget = budget_create(user=customer.user, category=category("food"), limit=D("150.00"), currency="EUR",
                           start_date=DECEMBER)
    assert not Alert.objects.filter(owner=customer.user).exists()  # 100.00 of 150.00 EUR: below the warning
    # 60.00 more in USD is not EUR spending: still no alert.
    services.expense_post(user=customer.user, account_id=customer.usd.pk, amount=D("60.00"),
                          category=category("food"), occurred_on=date(2025, 12, 10))
    assert not Alert.objects.filter(owner=customer.user).exists()
    services.expense_post(user=customer.user, account_id=customer.eur.pk, amount=D("60.00"),
                          category=category("food"), occurred_on=date(2025, 12, 10))
    [alert] = Alert.objects.filter(owner=customer.user, budget=budget)
    assert "160.00 EUR spent of 150.00 EUR" in alert.message
