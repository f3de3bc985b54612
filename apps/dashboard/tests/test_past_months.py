"""A past month tells the past: its balances are those at the month's end, and each budget
is judged on its own period containing the month's last day, with the spending counted up
to that day (a weekly budget on its last week, not on a whole month of spending)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import simplejson
from django.urls import reverse

from apps.accounts.models import Account
from apps.accounts.services import account_close
from apps.budgets.models import Budget
from apps.budgets.services import budget_create
from apps.transactions import services
from tests.clock import NOW
from tests.factories import category

pytestmark = pytest.mark.django_db

D = Decimal
NOVEMBER_END = date(2025, 11, 30)


@dataclass
class Customer:
    user: object
    accounts: dict[str, Account]
    transport: Budget


@pytest.fixture
def customer(user_factory, time_machine) -> Customer:
    """Today is 15 December 2025. November: 147.52 of transport, 4.80 a day plus 3.52 on the 3rd.

    A weekly transport budget of 20.00 from Wednesday 1 January 2025: the week containing
    30 November is 26 November - 2 December, of which 26-30 November (5 x 4.80 = 24.00) were
    spent by the month's end; 1 and 2 December add 14.00 more, in December."""
    time_machine.move_to(NOW, tick=False)
    user = user_factory(default_currency="USD", time_zone="UTC")
    opened = date(2025, 10, 1)

    def open_account(name, opening, *, currency="USD", opened_on=opened):
        return services.account_open(user=user, name=name, currency=currency, opening_balance=D(opening),
                                     opened_on=opened_on)

    accounts = {
        "Checking": open_account("Checking", "1000.00"),
        "Savings": open_account("Savings", "0"),
        "Old": open_account("Old", "20.00"),  # emptied and closed in December: open on 30 November
        "Gone": open_account("Gone", "0"),  # closed in October
        "Euros": open_account("Euros", "100.00", currency="EUR"),
        "New": open_account("New", "50.00", opened_on=date(2025, 12, 5)),  # not open yet on 30 November
    }
    Account.objects.filter(pk=accounts["Gone"].pk).update(closed_on=date(2025, 10, 15))
    transport, salary = category("transport"), category("salary")

    def spend(account, amount, on, cat=transport):
        services.expense_post(user=user, account_id=accounts[account].pk, amount=D(amount), category=cat,
                              occurred_on=on)

    for day in range(1, 31):
        spend("Checking", "4.80", date(2025, 11, day))
    spend("Checking", "3.52", date(2025, 11, 3))
    spend("Checking", "7.00", date(2025, 12, 1))
    spend("Checking", "7.00", date(2025, 12, 2))
    services.income_post(user=user, account_id=accounts["Checking"].pk, amount=D("500.00"), category=salary,
                         occurred_on=date(2025, 12, 1))
    services.transfer_create(user=user, from_account_id=accounts["Checking"].pk,
                             to_account_id=accounts["Savings"].pk, amount=D("100.00"), occurred_on=date(2025, 12, 5))
    spend("Old", "20.00", date(2025, 12, 3), category("other"))
    account_close(user=user, account_id=accounts["Old"].pk)  # closed today, 15 December
    spend("Euros", "10.00", date(2025, 12, 6), category("food"))

    budget = budget_create(user=user, category=transport, limit=D("20.00"), period=Budget.Period.WEEKLY,
                           start_date=date(2025, 1, 1))
    return Customer(user=user, accounts=accounts, transport=budget)


# What each account held at the end of 30 November, and holds today.
NOVEMBER_BALANCES = {"Checking": D("852.48"), "Savings": D("0.00"), "Old": D("20.00"), "Euros": D("100.00")}
TODAY_BALANCES = {"Checking": D("1238.48"), "Savings": D("100.00"), "New": D("50.00"), "Euros": D("90.00")}


def get_json(client, **params) -> dict:
    response = client.get(reverse("dashboard:overview"), params)
    assert response.status_code == 200
    return simplejson.loads(response.content, use_decimal=True)


def page(client, **params) -> str:
    response = client.get(reverse("dashboard:home"), params)
    assert response.status_code == 200
    return response.content.decode()


def account_rows(html: str) -> dict[str, Decimal]:
    table = re.search(r'id="account-list".*?</table>', html, re.S).group(0)
    return {name: D(value) for name, value in
            re.findall(r'<a href="[^"]+">([^<]+)</a>.*?data-amount="([^"]+)"', table, re.S)}


def budget_row(html: str, budget_id: int) -> str:
    return re.search(rf'data-budget-id="{budget_id}".*?</li>', html, re.S).group(0)


def test_overview_of_a_past_month_shows_its_last_week_and_its_end_balances(client, customer):
    client.force_login(customer.user)

    data = get_json(client, month="2025-11")

    assert data["monthly_spending"] == {"month": "2025-11", "total_spent": D("147.52")}
    assert data["budgets"] == [{
        "budget_id": customer.transport.pk, "category": "transport", "currency": "USD", "limit": D("20.00"),
        "spent": D("24.00"), "remaining": D("-4.00"), "exceeded": True,
    }]
    assert data["accounts"] == {
        "total_accounts": 4,  # Checking, Savings, Old, Euros: not New (opened later), not Gone (closed before)
        "total_balance": D("872.48"),
        "by_currency": {"USD": D("872.48"), "EUR": D("100.00")},
    }


def test_overview_of_this_month_shows_todays_balances_and_this_week(client, customer):
    client.force_login(customer.user)
    data = get_json(client)
    assert data["accounts"] == {"total_accounts": 4, "total_balance": D("1388.48"),
                                "by_currency": {"USD": D("1388.48"), "EUR": D("90.00")}}
    # This week (10-16 December): no transport yet.
    assert [(b["spent"], b["exceeded"]) for b in data["budgets"]] == [(D("0.00"), False)]
    assert get_json(client, month="2025-12") == data


def test_page_of_a_past_month_shows_its_last_week_not_the_whole_month(client, customer):
    client.force_login(customer.user)

    html = page(client, month="2025-11")

    row = budget_row(html, customer.transport.pk)
    assert 'data-amount="24.00" class="budget-spent"' in row
    assert 'data-amount="-4.00">4.00 USD</span>' in row  # over by 4.00 in its last week
    assert "120% used" in row
    assert "Nov 26–Dec 2, spent to Nov 30" in row
    assert "127.52" not in html and "738%" not in html  # the whole month against one week's limit


def test_page_of_a_past_month_shows_the_balances_at_its_end(client, customer):
    client.force_login(customer.user)

    html = page(client, month="2025-11")

    assert "Balances on Nov 30, 2025" in html
    assert account_rows(html) == NOVEMBER_BALANCES
    assert re.search(r'id="total-balance"[^>]*data-amount="872.48"', html)
    assert re.search(r'id="total-accounts">4<', html)
    assert 'data-currency="EUR" data-amount="100.00">100.00 EUR' in html


def test_page_of_this_month_shows_todays_balances(client, customer):
    client.force_login(customer.user)
    html = page(client)
    assert "Balances on" not in html
    assert account_rows(html) == TODAY_BALANCES
    assert re.search(r'id="total-balance"[^>]*data-amount="1388.48"', html)


def test_a_month_before_any_account_is_not_the_welcome_page(client, customer):
    client.force_login(customer.user)
    html = page(client, month="2025-09")
    assert 'id="empty-state"' not in html
    assert "No account was open on Sep 30, 2025." in html
    assert get_json(client, month="2025-09")["accounts"] == {"total_accounts": 0, "total_balance": D("0.00")}


def test_month_end_balances_agree_with_the_ledger(client, customer):
    """The balance at a month's end is also the sum of the entries up to that day."""
    from apps.transactions.models import Transaction

    client.force_login(customer.user)
    for month, end in (("2025-10", date(2025, 10, 31)), ("2025-11", NOVEMBER_END)):
        html = page(client, month=month)
        for name, shown in account_rows(html).items():
            entries = Transaction.objects.filter(account=customer.accounts[name], occurred_on__lte=end)
            assert shown == sum((t.signed_amount for t in entries), D("0.00")), (month, name)
