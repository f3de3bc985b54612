from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.budgets.models import Budget
from apps.budgets.periods import month_window, user_today
from apps.budgets.selectors import BudgetStatus, budget_vs_actual
from apps.budgets.tests.factories import BudgetFactory, account, category, expense
from apps.transactions import services as ledger
from apps.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acct(user):
    return account(user)


def test_status_values(user, acct, today, this_month):
    food = BudgetFactory(owner=user, limit=Decimal("200.00"))
    rent = BudgetFactory(owner=user, category=category("rent"), limit=Decimal("100.00"))
    transport = BudgetFactory(owner=user, category=category("transport"), limit=Decimal("100.00"))
    expense(user, acct, "125.50", today)
    expense(user, acct, "100.01", today, name="rent")
    expense(user, acct, "80.01", today, name="transport")
    statuses = {s.budget_id: s for s in budget_vs_actual(user=user)}
    assert statuses[food.pk] == BudgetStatus(
        budget_id=food.pk, category="food", period="monthly", limit=Decimal("200.00"), spent=Decimal("125.50"),
        remaining=Decimal("74.50"), exceeded=False, warning=False, percent_used=Decimal("62.8"),
        period_start=this_month.start, period_end=this_month.end,
    )
    assert (statuses[rent.pk].exceeded, statuses[rent.pk].warning, statuses[rent.pk].remaining) == \
        (True, False, Decimal("-0.01"))
    assert (statuses[transport.pk].exceeded, statuses[transport.pk].warning) == (False, True)


def test_spent_equal_to_limit_is_not_exceeded(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    expense(user, acct, "100.00", today)
    [status] = budget_vs_actual(user=user)
    assert (status.spent, status.exceeded, status.remaining, status.percent_used) == \
        (Decimal("100.00"), False, Decimal("0.00"), Decimal("100.0"))


def test_transfers_income_other_categories_periods_and_users_are_not_counted(user, acct, today, this_month):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    savings = account(user, balance=Decimal("0.00"), name="Savings")
    ledger.transfer(user=user, from_account_id=acct.pk, to_account_id=savings.pk, amount=Decimal("50.00"),
                    occurred_on=today)
    ledger.post_income(user=user, account_id=acct.pk, amount=Decimal("50.00"), category=category("food"),
                       occurred_on=today)
    expense(user, acct, "50.00", today, name="rent")
    expense(user, acct, "50.00", this_month.start - timedelta(days=1))
    expense(user, acct, "50.00", this_month.end + timedelta(days=1))
    other = UserFactory()
    expense(other, account(other), "50.00", today)
    expense(user, acct, "1.25", this_month.start)
    expense(user, acct, "2.50", this_month.end)
    [status] = budget_vs_actual(user=user)
    assert status.spent == Decimal("3.75")


def test_inactive_budgets_are_left_out_and_order_is_by_category(user):
    BudgetFactory(owner=user, category=category("transport"))
    BudgetFactory(owner=user, category=category("food"))
    BudgetFactory(owner=user, category=category("rent"), is_active=False)
    BudgetFactory(category=category("health"))  # another user's
    assert [s.category for s in budget_vs_actual(user=user)] == ["food", "transport"]


def test_no_budgets_is_an_empty_list_in_one_query(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert budget_vs_actual(user=user) == []


def test_given_month_uses_the_calendar_month_for_every_period(user, acct, today, this_month):
    weekly = BudgetFactory(owner=user, period=Budget.Period.WEEKLY, start_date=today, limit=Decimal("10.00"))
    last_month = month_window(this_month.start - timedelta(days=1))
    expense(user, acct, "30.00", last_month.start)
    expense(user, acct, "40.00", last_month.end)
    expense(user, acct, "99.00", today)
    [status] = budget_vs_actual(user=user, month=last_month.start)
    assert status.budget_id == weekly.pk
    assert (status.period_start, status.period_end, status.spent) == (last_month.start, last_month.end,
                                                                      Decimal("70.00"))


def test_current_period_follows_today_argument(user, acct, this_month):
    BudgetFactory(owner=user, period=Budget.Period.QUARTERLY, start_date=this_month.start.replace(month=1))
    [status] = budget_vs_actual(user=user, today=this_month.start.replace(month=5, day=20))
    assert (status.period_start, status.period_end) == (this_month.start.replace(month=4, day=1),
                                                        this_month.start.replace(month=6, day=30))


def test_current_period_is_computed_in_the_users_time_zone():
    # UTC+14 and UTC-12 are 26 hours apart: their "today" always differs.
    ahead, behind = UserFactory(time_zone="Pacific/Kiritimati"), UserFactory(time_zone="Etc/GMT+12")
    ahead_today = user_today(ahead)
    assert user_today(behind) < ahead_today
    start = ahead_today - timedelta(days=7)  # a weekly budget whose second week starts "today" in Kiritimati
    for user in (ahead, behind):
        BudgetFactory(owner=user, period=Budget.Period.WEEKLY, start_date=start)
    assert budget_vs_actual(user=ahead)[0].period_start == ahead_today
    assert budget_vs_actual(user=behind)[0].period_start == start


def _budgets(user, count):
    for i in range(count):
        BudgetFactory(owner=user, category=category(f"custom {i}", owner=user), limit=Decimal("10.00"))


def test_constant_number_of_queries_for_1_and_50_budgets(acct, today):
    counts = {}
    for count in (1, 50):
        user = UserFactory()
        mine = account(user)
        _budgets(user, count)
        for i in range(0, count, 7):
            expense(user, mine, "11.00", today, name=f"custom {i}")
        with CaptureQueriesContext(connection) as queries:
            statuses = budget_vs_actual(user=user)
        assert len(statuses) == count
        assert sum(s.exceeded for s in statuses) == len(range(0, count, 7))
        counts[count] = len(queries)
    assert counts == {1: 2, 50: 2}
