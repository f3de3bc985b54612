from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.alerts.models import Alert
from apps.budgets import services
from apps.budgets.models import Budget
from apps.transactions import services as ledger
from apps.transactions.models import Category
from tests.factories import BudgetFactory, UserFactory, account, category, expense, income, transfer

pytestmark = pytest.mark.django_db

WARNING, EXCEEDED = Alert.Kind.BUDGET_WARNING, Alert.Kind.BUDGET_EXCEEDED


def kinds(user):
    return sorted(Alert.objects.filter(owner=user).values_list("kind", flat=True))


@pytest.fixture
def acct(user):
    return account(user, opening="10000.00")


# --- boundaries ----------------------------------------------------------------------------

def test_spent_equal_to_the_limit_is_not_exceeded_one_cent_more_is(user, acct, today, this_month):
    budget = BudgetFactory(owner=user, limit=Decimal("100.00"))
    expense(acct, "60.00", on=today)
    expense(acct, "40.00", on=today)  # exactly 100.00
    assert kinds(user) == [WARNING]
    expense(acct, "0.01", on=today)  # 100.01
    assert kinds(user) == [EXCEEDED, WARNING]
    exceeded = Alert.objects.get(owner=user, kind=EXCEEDED)
    assert exceeded.budget == budget
    assert exceeded.period_start == this_month.start
    assert "100.01 USD spent of 100.00 USD" in exceeded.message


def test_warning_threshold_is_strictly_passed(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("100.00"), warning_percent=80)
    expense(acct, "80.00", on=today)
    assert kinds(user) == []
    expense(acct, "0.01", on=today)
    assert kinds(user) == [WARNING]


def test_one_alert_per_period_and_kind(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("10.00"))
    for _ in range(3):
        expense(acct, "20.00", on=today)
    # Over the limit straight away: the exceeded alert only, and once.
    assert kinds(user) == [EXCEEDED]


def test_a_new_period_alerts_again(user, acct, today, this_month):
    budget = BudgetFactory(owner=user, limit=Decimal("10.00"))
    expense(acct, "20.00", on=today)
    next_month = this_month.end + timedelta(days=1)
    expense(acct, "20.00", on=next_month)  # not the current window yet: nothing
    assert Alert.objects.filter(owner=user).count() == 1
    created = services.budget_check(user=user, today=next_month)
    assert [(a.kind, a.period_start) for a in created] == [(EXCEEDED, next_month)]
    assert Alert.objects.filter(budget=budget).count() == 2


# --- what counts ---------------------------------------------------------------------------

def test_only_expenses_of_the_category_in_the_current_window_count(user, acct, today, this_month):
    # Income in the budgeted category: the default "food" takes expenses only, so this test makes it
    # a category for both (rolled back with the test).
    Category.objects.filter(owner__isnull=True, name="food").update(kind="both")
    BudgetFactory(owner=user, limit=Decimal("50.00"))
    savings = account(user, "Savings", opening=Decimal("0.00"))
    ledger.transfer_create(user=user, from_account_id=acct.pk, to_account_id=savings.pk, amount=Decimal("500.00"),
                    occurred_on=today)
    ledger.income_post(user=user, account_id=acct.pk, amount=Decimal("500.00"), category=category("food"),
                       occurred_on=today)
    expense(acct, "500.00", on=today, category="rent")
    expense(acct, "500.00", on=this_month.start - timedelta(days=1))  # last month
    assert kinds(user) == []


def test_other_users_are_unaffected(user, acct, today):
    other = UserFactory()
    other_budget = BudgetFactory(owner=other, limit=Decimal("10.00"))
    BudgetFactory(owner=user, limit=Decimal("10.00"))
    expense(acct, "50.00", on=today)  # same default category, other owner
    assert kinds(user) == [EXCEEDED]
    assert not Alert.objects.filter(owner=other).exists()
    assert not other_budget.alerts.exists()


def test_inactive_budgets_are_not_checked(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("10.00"), is_active=False)
    expense(acct, "50.00", on=today)
    assert kinds(user) == []


def test_every_period_of_the_category_is_checked(user, acct, today):
    BudgetFactory(owner=user, period=Budget.Period.MONTHLY, limit=Decimal("100.00"))
    BudgetFactory(owner=user, period=Budget.Period.YEARLY, limit=Decimal("1000.00"))
    BudgetFactory(owner=user, period=Budget.Period.WEEKLY, limit=Decimal("10.00"), start_date=today)
    expense(acct, "90.00", on=today)
    alerts = dict(Alert.objects.filter(owner=user).values_list("budget__period", "kind"))
    assert alerts == {"monthly": WARNING, "weekly": EXCEEDED}


# --- the signal: create, edit, delete, rollback ---------------------------------------------

def test_edit_that_raises_the_amount_alerts(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    row = expense(acct, "10.00", on=today)
    assert kinds(user) == []
    ledger.transaction_edit(user=user, transaction_id=row.pk, amount=Decimal("150.00"), occurred_on=today)
    assert kinds(user) == [EXCEEDED]


def test_edit_that_moves_an_expense_into_the_current_period_alerts(user, acct, today, this_month):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    row = expense(acct, "150.00", on=this_month.start - timedelta(days=1))
    assert kinds(user) == []
    ledger.transaction_edit(user=user, transaction_id=row.pk, amount=Decimal("150.00"), occurred_on=today)
    assert kinds(user) == [EXCEEDED]


def test_edit_that_moves_an_expense_into_the_category_alerts(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    row = expense(acct, "150.00", on=today, category="rent")
    ledger.transaction_edit(user=user, transaction_id=row.pk, amount=Decimal("150.00"), occurred_on=today,
                            category=category("food"))
    assert kinds(user) == [EXCEEDED]


def test_delete_rechecks_and_keeps_past_alerts(user, acct, today, monkeypatch):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    big = expense(acct, "150.00", on=today)
    calls = []
    monkeypatch.setattr(services, "budget_check", lambda **kw: calls.append(kw) or [])
    ledger.transaction_delete(user=user, transaction_id=big.pk)
    assert [sorted(c["changed_dates"]) for c in calls] == [[category("food").pk]]
    monkeypatch.undo()
    ledger.transaction_delete(user=user, transaction_id=expense(acct, "1.00", on=today).pk)
    # Back under the limit: the alert given stays.
    assert kinds(user) == [EXCEEDED]


def test_delete_of_an_expense_when_another_crosses_afterwards(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    first = expense(acct, "85.00", on=today)
    assert kinds(user) == [WARNING]
    ledger.transaction_delete(user=user, transaction_id=first.pk)
    expense(acct, "101.00", on=today)
    assert kinds(user) == [EXCEEDED, WARNING]


def test_rolled_back_movement_leaves_no_alert(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("10.00"))
    with pytest.raises(RuntimeError), transaction.atomic():
        expense(acct, "50.00", on=today)
        assert kinds(user) == [EXCEEDED]  # inside the same database transaction
        raise RuntimeError("the caller fails after the movement")
    assert kinds(user) == []
    acct.refresh_from_db()
    assert acct.balance == Decimal("10000.00")


def test_refused_movement_leaves_no_alert(user, today):
    BudgetFactory(owner=user, limit=Decimal("10.00"))
    poor = account(user, opening=Decimal("5.00"))
    with pytest.raises(ValidationError):
        expense(poor, "50.00", on=today)
    assert kinds(user) == []


def test_receiver_ignores_income_and_transfer_changes(user, acct, today, monkeypatch):
    """Income and transfers are not spending: their changes, in a budgeted category and large
    enough to cross the limit were they counted, run no budget check at all. Any check that
    did run would alert: the food budget is already over its limit (150.00 of 100.00, spent
    before the budget row was written, so not alerted yet) - so this fails without the
    expense-only filter in budget_check_for_changes."""
    from apps.transactions.signals import LedgerChange

    # Income in the budgeted category: the default "food" takes expenses only, so this test makes it
    # a category for both (rolled back with the test).
    Category.objects.filter(owner__isnull=True, name="food").update(kind="both")
    food = category("food")
    expense(acct, "150.00", on=today, category=food)
    budget = BudgetFactory(owner=user, category=food, limit=Decimal("100.00"))  # a row: no check yet
    savings = account(user, "Savings")
    checks = []
    real_check = services.budget_check
    monkeypatch.setattr(services, "budget_check", lambda **kw: checks.append(kw) or real_check(**kw))

    # Through the ledger (signal -> receiver): income in the budgeted category, a transfer.
    income(acct, "500.00", on=today, category=food)
    transfer(acct, savings, "500.00", on=today)
    # Straight to the receiver's service: every non-expense kind, even carrying the category.
    changes = [LedgerChange(transaction_id=0, kind=kind, category_id=food.pk, amount=Decimal("999.00"),
                            occurred_on=today, action=action)
               for kind in ("income", "transfer_out", "transfer_in", "opening")
               for action in ("created", "edited", "deleted")]
    with transaction.atomic():
        assert services.budget_check_for_changes(user=user, changes=changes) == []

    assert checks == []
    assert kinds(user) == []
    # Not vacuous: an expense change in the same category does run the check, which alerts.
    expense(acct, "0.01", on=today, category=food)
    assert [sorted(c["changed_dates"]) for c in checks] == [[food.pk]]
    assert Alert.objects.get(owner=user).budget == budget
    assert kinds(user) == [EXCEEDED]


# --- budget services -------------------------------------------------------------------------

def test_budget_create_evaluates_the_current_period(user, acct, today, this_month):
    expense(acct, "120.00", on=today)
    budget = services.budget_create(user=user, category=category("food"), limit=Decimal("100.00"))
    assert budget.start_date == this_month.start
    assert kinds(user) == [EXCEEDED]


@pytest.mark.parametrize(("limit", "message"), [
    (Decimal("0"), "Enter an amount greater than zero."),
    (Decimal("-5.00"), "Enter an amount greater than zero."),
    (Decimal("1.005"), "Use at most two decimal places (cents)."),
    ("abc", "Enter an amount as a number, for example 12.50."),
])
def test_budget_create_rejects_bad_limits(user, limit, message):
    with pytest.raises(ValidationError) as error:
        services.budget_create(user=user, category=category("food"), limit=limit)
    assert error.value.message_dict == {"limit": [message]}
    assert not Budget.objects.exists()


def test_budget_create_rejects_another_users_category(user):
    theirs = category("hobbies", user=UserFactory())
    with pytest.raises(ValidationError) as error:
        services.budget_create(user=user, category=theirs, limit=Decimal("10.00"))
    assert error.value.message_dict == {"category": ["Choose one of your categories."]}


def test_budget_create_accepts_own_category(user):
    mine = category("hobbies", user=user)
    assert services.budget_create(user=user, category=mine, limit=Decimal("10.00")).category == mine


def test_budget_create_rejects_a_duplicate_active_budget(user):
    services.budget_create(user=user, category=category("food"), limit=Decimal("10.00"))
    with pytest.raises(ValidationError) as error:
        services.budget_create(user=user, category=category("food"), limit=Decimal("20.00"))
    assert "already have an active monthly budget" in error.value.message_dict["category"][0]
    # Another period of the same category is fine.
    services.budget_create(user=user, category=category("food"), limit=Decimal("20.00"), period="weekly")
    assert Budget.objects.filter(owner=user).count() == 2


def test_budget_update_rechecks(user, acct, today):
    budget = BudgetFactory(owner=user, limit=Decimal("500.00"))
    expense(acct, "120.00", on=today)
    assert kinds(user) == []
    updated = services.budget_update(user=user, budget_id=budget.pk, category=budget.category,
                                     limit=Decimal("100.00"), period="monthly", start_date=budget.start_date,
                                     warning_percent=50)
    assert (updated.limit, updated.warning_percent) == (Decimal("100.00"), 50)
    assert kinds(user) == [EXCEEDED]


def test_budget_update_of_another_users_budget_is_not_found(user):
    budget = BudgetFactory()
    with pytest.raises(Budget.DoesNotExist):
        services.budget_update(user=user, budget_id=budget.pk, category=budget.category, limit=Decimal("1.00"),
                               period="monthly", start_date=budget.start_date, warning_percent=80)


def test_budget_delete_deactivates_and_keeps_alerts(user, acct, today):
    budget = BudgetFactory(owner=user, limit=Decimal("10.00"))
    expense(acct, "50.00", on=today)
    services.budget_delete(user=user, budget_id=budget.pk)
    budget.refresh_from_db()
    assert budget.is_active is False
    assert kinds(user) == [EXCEEDED]
    # The category and period are free again.
    services.budget_create(user=user, category=category("food"), limit=Decimal("10.00"))
    expense(acct, "1.00", on=today)


def test_budgets_recalculate_creates_missing_alerts_once(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("10.00"))
    Budget.objects.update(limit=Decimal("1000.00"))
    expense(acct, "50.00", on=today)
    Budget.objects.update(limit=Decimal("10.00"))  # changed behind the services' back
    assert kinds(user) == []
    assert [a.kind for a in services.budget_recalculate_all()] == [EXCEEDED]
    assert services.budget_recalculate_all() == []
    assert kinds(user) == [EXCEEDED]
