from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from apps.alerts.models import Alert
from apps.budgets.models import Budget
from tests.factories import BudgetFactory, UserFactory, account, category, expense

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("recalculate_budgets", stdout=out)
    return out.getvalue()


def test_recalculate_budgets_creates_missing_alerts_then_nothing(today):
    alice, bob = UserFactory(email="alice@example.com"), UserFactory(email="bob@example.com")
    BudgetFactory(owner=alice, limit=Decimal("1000.00"))
    BudgetFactory(owner=bob, category=category("rent"), limit=Decimal("1000.00"))
    BudgetFactory(owner=bob, category=category("transport"), limit=Decimal("1000.00"), is_active=False)
    expense(account(alice, opening="10000.00"), "90.00", on=today)
    bob_account = account(bob, opening="10000.00")
    expense(bob_account, "85.00", on=today, category="rent")
    expense(bob_account, "500.00", on=today, category="transport")
    # Limits lowered behind the services' back (e.g. a data fix): the alerts are now due.
    Budget.objects.update(limit=Decimal("100.00"))
    assert not Alert.objects.exists()

    first = run()
    assert "created budget_warning for alice@example.com" in first
    assert "created budget_warning for bob@example.com" in first
    assert "Created 2 alerts." in first
    assert sorted(Alert.objects.values_list("owner__email", "kind")) == [
        ("alice@example.com", "budget_warning"), ("bob@example.com", "budget_warning"),
    ]

    second = run()
    assert second.strip() == "No new alerts: every budget's alerts are up to date."
    assert Alert.objects.count() == 2


def test_recalculate_budgets_with_no_budgets():
    assert "No new alerts" in run()
