"""A customer with several accounts, months and categories, transfers, budgets and
alerts, and a second customer whose data must never show. Every row created is
also recorded in ``Scenario.entries`` so tests compute the expected figures on
their own, with plain Python sums over what they created."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from apps.accounts.models import Account
from apps.alerts.models import Alert
from tests import factories as f
from tests.clock import NOW  # "now" for the scenario: mid-December 2025 (the 15th from UTC-12 to UTC+11)


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

    def balance(self, name: str, *, on: date | None = None) -> Decimal:
        """The account's balance now or, with ``on``, at the end of that day."""
        total = self.openings[name]
        for e in self.entries:
            if on is not None and e.on > on:
                continue
            if e.kind == "income" and e.account == name:
                total += e.amount
            elif e.kind == "expense" and e.account == name:
                total -= e.amount
            elif e.kind == "transfer":
                total += e.amount if e.to_account == name else Decimal(0)
                total -= e.amount if e.account == name else Decimal(0)
        return total

    # Money movements by account name, through tests/factories.py, each recorded in ``entries``.
    def record_expense(self, account: str, amount: str, on: date, category: str):
        f.expense(self.accounts[account], amount, on=on, category=category)
        self.entries.append(Entry("expense", Decimal(amount), on, category, account))

    def record_income(self, account: str, amount: str, on: date, category: str = "salary"):
        f.income(self.accounts[account], amount, on=on, category=category)
        self.entries.append(Entry("income", Decimal(amount), on, category, account))

    def record_transfer(self, source: str, target: str, amount: str, on: date):
        f.transfer(self.accounts[source], self.accounts[target], amount, on=on)
        self.entries.append(Entry("transfer", Decimal(amount), on, "", source, target))


def build_scenario(user, other) -> Scenario:
    s = Scenario(user=user, other=other, accounts={},
                 openings={"Checking": Decimal("2500.00"), "Savings": Decimal("1000.10"), "Card": Decimal("0.00")})
    s.accounts["Checking"] = f.account(user, "Checking", opening=s.openings["Checking"])
    s.accounts["Savings"] = f.account(user, "Savings", opening=s.openings["Savings"], kind=Account.Kind.SAVINGS)
    s.accounts["Card"] = f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=Decimal("3000.00"))

    # Six months of salary and spending, July to December 2025.
    for month in range(7, 13):
        s.record_income("Checking", "3000.00", date(2025, month, 1))
        s.record_expense("Checking", "1200.00", date(2025, month, 2), "rent")
        s.record_expense("Card", f"{40 + month}.25", date(2025, month, 10), "food")
        s.record_expense("Checking", "19.99", date(2025, month, 20), "entertainment")
    # November and December get more variety, and entries on the month boundary.
    s.record_expense("Card", "310.40", date(2025, 11, 30), "shopping")
    s.record_expense("Checking", "62.35", date(2025, 12, 1), "transport")
    s.record_expense("Card", "120.00", date(2025, 12, 5), "shopping")
    s.record_expense("Checking", "88.80", date(2025, 12, 14), "food")
    s.record_expense("Savings", "45.05", date(2025, 12, 3), "health")
    s.record_income("Savings", "12.34", date(2025, 12, 31), "other")
    # Transfers move money, they are not spending.
    s.record_transfer("Checking", "Savings", "500.00", date(2025, 12, 2))
    s.record_transfer("Checking", "Savings", "250.00", date(2025, 11, 15))

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
        f.income(theirs, "7777.00", on=date(2025, month, 1))
        f.expense(theirs, "999.99", on=date(2025, month, 5), category="food")
        f.expense(theirs, "333.33", on=date(2025, month, 6), category="shopping")
    f.budget(other, "food", "50.00")
    Alert.objects.create(owner=other, kind=Alert.Kind.SYSTEM, message="Theirs")
    return s


@pytest.fixture(autouse=True)
def now(time_machine):
    """Every dashboard test runs with the clock at NOW, ticking from there (time-machine:
    datetime, date.today(), time.time() and so timezone.now()/localdate() all agree). A test
    that needs another moment stops it there: ``time_machine.move_to(moment, tick=False)``."""
    time_machine.move_to(NOW, tick=True)
    return NOW


@pytest.fixture
def scenario(db, now, user_factory):
    user = user_factory(time_zone="Europe/Paris", default_currency="USD")
    other = user_factory(time_zone="UTC", default_currency="USD")
    return build_scenario(user, other)
