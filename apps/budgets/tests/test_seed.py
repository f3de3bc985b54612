from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest

from apps.alerts.models import Alert
from apps.budgets.models import Budget
from apps.budgets.seed import seed_budgets
from apps.budgets.selectors import budget_vs_actual
from tests.factories import UserFactory, account, expense

pytestmark = pytest.mark.django_db


def seed(customer):
    out = StringIO()
    seed_budgets(customer, out)
    return out.getvalue()


def test_seed_without_transactions_creates_everyday_budgets_and_no_alerts():
    customer = UserFactory()
    output = seed(customer)
    budgets = Budget.objects.filter(owner=customer, is_active=True)
    assert budgets.count() >= 4
    assert {b.period for b in budgets} == {"monthly"}
    assert not Alert.objects.filter(owner=customer).exists()
    assert "created monthly budget food" in output


def test_seed_gives_one_exceeded_and_one_warning_budget_with_their_alerts(today, this_month):
    customer = UserFactory()
    acct = account(customer, opening="10000.00")
    expense(acct, "1523.40", on=today, category="rent")
    expense(acct, "212.35", on=today, category="food")
    expense(acct, "18.00", on=today, category="transport")
    expense(acct, "999.00", on=this_month.start - timedelta(days=1), category="shopping")  # last month
    seed(customer)
    statuses = budget_vs_actual(user=customer)
    # Everyday categories first (rent is a fixed cost), biggest spending first.
    assert [s.category for s in statuses if s.exceeded] == ["food"]
    assert [s.category for s in statuses if s.warning] == ["transport"]
    assert sorted(Alert.objects.filter(owner=customer).values_list("budget__category__name", "kind")) == [
        ("food", "budget_exceeded"), ("transport", "budget_warning"),
    ]
    assert all(s.limit > s.spent for s in statuses if s.category not in ("food", "transport"))


def test_seed_with_one_spending_category_falls_back_to_a_yearly_budget(today):
    customer = UserFactory()
    expense(account(customer, opening="10000.00"), "300.00", on=today, category="rent")
    seed(customer)
    statuses = budget_vs_actual(user=customer)
    assert [(s.category, s.period) for s in statuses if s.exceeded] == [("rent", "monthly")]
    assert [(s.category, s.period) for s in statuses if s.warning] == [("rent", "yearly")]
    assert Alert.objects.filter(owner=customer).count() == 2


def test_seed_is_idempotent(today):
    customer = UserFactory()
    acct = account(customer, opening="10000.00")
    expense(acct, "523.40", on=today, category="rent")
    expense(acct, "212.35", on=today, category="food")
    seed(customer)
    before = (list(Budget.objects.values_list("pk", "limit")), list(Alert.objects.values_list("pk", flat=True)))
    output = seed(customer)
    assert "kept" in output
    assert (list(Budget.objects.values_list("pk", "limit")), list(Alert.objects.values_list("pk", flat=True))) \
        == before
    assert Decimal(0) < min(limit for _, limit in before[0])
