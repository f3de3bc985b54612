"""A customer with several accounts, months and categories, transfers, budgets and
alerts, and a second customer whose data must never show. Every row created is
also recorded in ``Scenario.entries`` so tests compute the expected figures on
their own, with plain Python sums over what they created."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import Account
from apps.alerts.models import Alert

from . import factories as f

# "Now" for the scenario: mid-December 2025 everywhere on Earth.
NOW = dt.datetime(2025, 12, 15, 12, 0, tzinfo=dt.UTC)


def freeze_now(monkeypatch, moment: dt.datetime) -> None:
    """Pin django.utils.timezone.now (and so timezone.localdate) to ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


@dataclass
class Entry:
    kind: str  # income | expense | transfer | opening
    amount: Decimal
    on: date
    category: str = ""
    account: str = ""
    to_account: str = ""


@dataclass
class Scenario:
    user: object
    other: object
    accounts: dict[str, Account]
    openings: dict[str, Decimal]
    entries: list[Entry] = field(default_factory=list)
    budgets: dict[str, object] = field(default_factory=dict)

    def spent(self, month: date, category: str | None = None) -> Decimal:
        return sum(
            (e.amount for e in self.entries
             if e.kind == "expense" and (e.on.year, e.on.month) == (month.year, month.month)
             and (category is None or e.category == category)),
            Decimal("0.00"),
        )

    def earned(self, month: date) -> Decimal:
        return sum((e.amount for e in self.entries
                    if e.kind == "income" and (e.on.year, e.on.month) == (month.year, month.month)), Decimal("0.00"))

    def balance(self, name: str) -> Decimal:
        total = self.openings[name]
        for e in self.entries:
            if e.kind == "income" and e.account == name:
                total += e.amount
            elif e.kind == "expense" and e.account == name:
                total -= e.amount
            elif e.kind == "transfer":
                total += e.amount if e.to_account == name else Decimal(0)
                total -= e.amount if e.account == name else Decimal(0)
        return total


def build_scenario(user, other) -> Scenario:
    s = Scenario(user=user, other=other, accounts={},
                 openings={"Checking": Decimal("2500.00"), "Savings": Decimal("1000.10"), "Card": Decimal("0.00")})
    s.accounts["Checking"] = f.account(user, "Checking", opening=s.openings["Checking"])
    s.accounts["Savings"] = f.account(user, "Savings", opening=s.openings["Savings"], kind=Account.Kind.SAVINGS)
    s.accounts["Card"] = f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=Decimal("3000.00"))

    def expense(account, amount, on, category):
        f.expense(user, s.accounts[account], amount, on, category)
        s.entries.append(Entry("expense", Decimal(amount), on, category, account))

    def income(account, amount, on, category="salary"):
        f.income(user, s.accounts[account], amount, on, category)
        s.entries.append(Entry("income", Decimal(amount), on, category, account))

    def transfer(source, target, amount, on):
        f.transfer(user, s.accounts[source], s.accounts[target], amount, on)
        s.entries.append(Entry("transfer", Decimal(amount), on, "", source, target))

    # Six months of salary and spending, July to December 2025.
    for month in range(7, 13):
        income("Checking", "3000.00", date(2025, month, 1))
        expense("Checking", "1200.00", date(2025, month, 2), "rent")
        expense("Card", f"{40 + month}.25", date(2025, month, 10), "food")
        expense("Checking", "19.99", date(2025, month, 20), "entertainment")
    # November and December get more variety, and entries on the month boundary.
    expense("Card", "310.40", date(2025, 11, 30), "shopping")
    expense("Checking", "62.35", date(2025, 12, 1), "transport")
    expense("Card", "120.00", date(2025, 12, 5), "shopping")
    expense("Checking", "88.80", date(2025, 12, 14), "food")
    expense("Savings", "45.05", date(2025, 12, 3), "health")
    income("Savings", "12.34", date(2025, 12, 31), "other")
    # Transfers move money, they are not spending.
    transfer("Checking", "Savings", "500.00", date(2025, 12, 2))
    transfer("Checking", "Savings", "250.00", date(2025, 11, 15))

    # Budgets (after the entries, so no alert is raised by them).
    s.budgets["food"] = f.budget(user, "food", "500.00")
    s.budgets["shopping"] = f.budget(user, "shopping", "100.00")  # exceeded in December (120.00)
    s.budgets["transport"] = f.budget(user, "transport", "70.00")  # past 80% warning (62.35)

    # Alerts: two unread, one read.
    Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message="Welcome")
    Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message="Statement ready")
    Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message="Old news", read_at=NOW)

    # Someone else's money, in the same months and categories: must never count.
    theirs = f.account(other, "Their checking", opening=Decimal("90000.00"))
    f.account(other, "Their euros", opening=Decimal("700.00"), currency="EUR")
    for month in range(7, 13):
        f.income(other, theirs, "7777.00", date(2025, month, 1))
        f.expense(other, theirs, "999.99", date(2025, month, 5), "food")
        f.expense(other, theirs, "333.33", date(2025, month, 6), "shopping")
    f.budget(other, "food", "50.00")
    Alert.objects.create(owner=other, kind=Alert.Kind.SYSTEM, message="Theirs")
    return s


@pytest.fixture
def now(monkeypatch):
    freeze_now(monkeypatch, NOW)
    return NOW


@pytest.fixture
def scenario(db, now, user_factory):
    user = user_factory(time_zone="Europe/Paris", default_currency="USD")
    other = user_factory(time_zone="UTC", default_currency="USD")
    return build_scenario(user, other)
