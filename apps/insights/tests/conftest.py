"""A customer's month with income, expenses (one edited, one deleted), transfers and budgets,
and a second customer whose money must never show. The clock stands at tests.clock.NOW
(15 December 2025, 12:00 UTC); every expected figure in the tests is computed by hand from
what is written here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import simplejson

from apps.accounts.models import Account
from apps.transactions import services
from tests import factories as f
from tests.clock import NOW


@dataclass
class Customer:
    user: object
    checking: Account
    savings: Account


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    # Decimals stay exact: parse numbers as Decimal, never float.
    return simplejson.loads(response.content, use_decimal=True)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def customer(db, now, user_factory) -> Customer:
    user = user_factory(time_zone="UTC", default_currency="USD")
    checking = f.account(user, "Checking", opening="3000.00")
    savings = f.account(user, "Savings", kind=Account.Kind.SAVINGS)
    # September to November: 900.00, 900.00, 1500.00 spent (1100.00 a month on average).
    f.expense(checking, "900.00", on=date(2025, 9, 10), category="rent", description="Landlord")
    f.expense(checking, "900.00", on=date(2025, 10, 10), category="rent", description="Landlord")
    f.income(checking, "2800.00", on=date(2025, 11, 1), description="ACME payroll")
    f.expense(checking, "1200.00", on=date(2025, 11, 2), category="rent", description="Landlord Ltd.")
    f.expense(checking, "300.00", on=date(2025, 11, 15), category="food", description="Market")
    f.transfer(checking, savings, "100.00", on=date(2025, 11, 20))
    # December: 3000.00 earned, 1484.99 spent.
    f.income(checking, "3000.00", on=date(2025, 12, 1), description="ACME payroll")
    f.expense(checking, "1200.00", on=date(2025, 12, 2), category="rent", description="Landlord Ltd.")
    f.expense(checking, "45.50", on=date(2025, 12, 3), category="food", description="STARBUCKS #1234")
    f.expense(checking, "4.50", on=date(2025, 12, 4), category="food", description="Starbucks 5678")
    f.expense(checking, "80.00", on=date(2025, 12, 5), category="food", description="")
    f.expense(checking, "99.99", on=date(2025, 12, 6), category="shopping", description="Amazon.com*AB12")
    f.expense(checking, "20.00", on=date(2025, 12, 7), category="transport", description="Uber  *Trip")
    cinema = f.expense(checking, "15.00", on=date(2025, 12, 8), category="entertainment", description="Cinema")
    services.transaction_edit(user=user, transaction_id=cinema.pk, amount=f.D("25.00"),
                              occurred_on=date(2025, 12, 8), description="Cinema")
    tv = f.expense(checking, "500.00", on=date(2025, 12, 9), category="shopping", description="Big TV")
    services.transaction_delete(user=user, transaction_id=tv.pk)
    f.expense(checking, "10.00", on=date(2025, 12, 10), category="other", description="!!! 123")
    f.transfer(checking, savings, "700.00", on=date(2025, 12, 11))  # moves money: not spending
    # Budgets: food exceeded in December (130.00 of 100.00), rent and transport kept.
    f.budget(user, "food", "100.00")
    f.budget(user, "rent", "1500.00")
    f.budget(user, "transport", "50.00")

    # Someone else's money in the same months: it must never count.
    other = user_factory(time_zone="UTC", default_currency="USD")
    theirs = f.account(other, "Their checking", opening="90000.00")
    f.income(theirs, "7777.00", on=date(2025, 12, 1))
    f.expense(theirs, "999.99", on=date(2025, 12, 3), category="food", description="Starbucks")
    f.expense(theirs, "333.33", on=date(2025, 11, 3), category="rent")
    f.budget(other, "food", "10.00")
    return Customer(user=user, checking=checking, savings=savings)


@pytest.fixture
def client_of(client, customer):
    client.force_login(customer.user)
    return client
