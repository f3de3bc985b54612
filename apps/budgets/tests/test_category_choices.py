"""Budget, bill and rule forms offer only the categories that fit (issue 16, point 5): a
budget counts expenses, so no income category; a hidden default is not offered for a new one,
but an existing one keeps the category it has."""

import pytest

from apps.bills.forms import RecurringItemForm
from apps.bills.models import RecurringKind
from apps.budgets.forms import BudgetForm
from apps.rules.forms import RuleForm
from apps.transactions.models import Category, CategoryPreference
from tests.factories import UserFactory, budget

pytestmark = pytest.mark.django_db


def names(field) -> set[str]:
    return {c.name for c in field.queryset}


@pytest.fixture
def user():
    user = UserFactory()
    CategoryPreference.objects.create(owner=user, category=Category.objects.get(owner=None, name="health"), hidden=True)
    return user


def test_a_budget_offers_expense_categories_the_user_has_not_hidden(user):
    offered = names(BudgetForm(user=user).fields["category"])
    assert "food" in offered and "salary" not in offered and "health" not in offered


def test_an_existing_budget_keeps_its_hidden_category(user):
    health = budget(user, "health")
    form = BudgetForm(instance=health, user=user)
    assert "health" in names(form.fields["category"])


def test_a_bill_offers_expense_categories_and_an_income_income_ones(user):
    bill = names(RecurringItemForm(user=user, kind=RecurringKind.BILL).fields["category"])
    income = names(RecurringItemForm(user=user, kind=RecurringKind.INCOME).fields["category"])
    assert "food" in bill and "salary" not in bill and "health" not in bill
    assert "salary" in income and "food" not in income


def test_a_rule_for_incomes_refuses_an_expense_category(user):
    food = Category.objects.get(owner=None, name="food")
    form = RuleForm({"name": "Pay", "field": "either", "operator": "contains", "pattern": "acme", "kind": "income",
                     "set_category": food.pk, "is_active": "on"}, user=user)
    assert not form.is_valid()
    assert form.errors["set_category"] == ["“Food” is an expense category: choose one for incomes."]
    assert "health" not in names(form.fields["set_category"])
