"""Shared test data for the cross-cutting suites (security, property, reliability):
one customer holding one object of every kind the pages address by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.transactions import services
from apps.transactions.models import Category, Transaction

D = Decimal


@dataclass
class Holdings:
    """A customer's objects by role; the same roles exist for every customer made here."""

    user: object
    objects: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, role):
        return self.objects[role]


def customer_with_everything(user, *, today: date | None = None) -> Holdings:
    """Accounts (checking, savings, credit card, closed), income, expense, a transfer,
    an own category, a budget and an alert: each through its service where one exists."""
    from apps.budgets import services as budget_services

    today = today or date.today()
    opened = today.replace(day=1)
    food = Category.objects.create(owner=user, name="groceries")
    salary = Category.objects.get_or_create(owner=None, name="salary")[0]
    checking = services.account_open(user=user, name="Checking", opened_on=opened, opening_balance=D("1000.00"))
    savings = services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS, opened_on=opened,
                                    opening_balance=D("250.00"))
    card = services.account_open(user=user, name="Card", kind=Account.Kind.CREDIT_CARD, opened_on=opened,
                                 credit_limit=D("500.00"))
    closed = services.account_open(user=user, name="Old account", opened_on=opened)
    Account.objects.filter(pk=closed.pk).update(closed_on=today)
    income = services.post_income(user=user, account_id=checking.pk, amount=D("2000.00"), category=salary,
                                  occurred_on=today, description="Salary")
    expense = services.post_expense(user=user, account_id=checking.pk, amount=D("80.25"), category=food,
                                    occurred_on=today, description="Market")
    transfer_out = services.transfer(user=user, from_account_id=checking.pk, to_account_id=savings.pk,
                                     amount=D("100.00"), occurred_on=today, description="Saving")
    transfer_in = Transaction.objects.get(transfer_id=transfer_out.transfer_id, kind=Transaction.Kind.TRANSFER_IN)
    budget = budget_services.budget_create(user=user, category=food, limit=D("50.00"), start_date=opened)
    budget_alert = Alert.objects.filter(owner=user, budget=budget).first()
    system_alert = Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message="Scheduled maintenance")
    objects = {
        "checking": checking, "savings": savings, "credit_card": card, "closed_account": closed,
        "income": income, "expense": expense, "transfer_out": transfer_out, "transfer_in": transfer_in,
        "category": food, "budget": budget, "system_alert": system_alert,
    }
    if budget_alert is not None:
        objects["budget_alert"] = budget_alert
    return Holdings(user=user, objects=objects)

