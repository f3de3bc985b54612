from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.budgets.models import Budget
from apps.budgets.periods import window_containing
from apps.budgets.selectors import BudgetStatus, budget_vs_actual
from apps.core.dates import month_window, user_today
from apps.transactions import services as ledger
from apps.transactions.models import Category
from tests.factories import BudgetFactory, UserFactory, account, category, expense

pytestmark = pytest.mark.django_db


@pytest.fixture
def acct(user):
    return account(user, opening="10000.00")


def test_status_values(user, acct, today, this_month):
    food = BudgetFactory(owner=user, limit=Decimal("200.00"))
    rent = BudgetFactory(owner=user, category=category("rent"), limit=Decimal("100.00"))
    transport = BudgetFactory(owner=user, category=category("transport"), limit=Decimal("100.00"))
    expense(acct, "125.50", on=today)
    expense(acct, "100.01", on=today, category="rent")
    expense(acct, "80.01", on=today, category="transport")
    statuses = {s.budget_id: s for s in budget_vs_actual(user=user)}
    assert statuses[food.pk] == BudgetStatus(
        budget_id=food.pk, category="food", period="monthly", limit=Decimal("200.00"), spent=Decimal("125.50"),
        remaining=Decimal("74.50"), exceeded=False, warning=False, percent_used=Decimal("62.8"),
        period_start=this_month.start, period_end=this_month.end, currency="USD", as_of=today,
    )
    assert (statuses[rent.pk].exceeded, statuses[rent.pk].warning, statuses[rent.pk].remaining) == \
        (True, False, Decimal("-0.01"))
    assert (statuses[transport.pk].exceeded, statuses[transport.pk].warning) == (False, True)


def test_spent_equal_to_limit_is_not_exceeded(user, acct, today):
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    expense(acct, "100.00", on=today)
    [status] = budget_vs_actual(user=user)
    assert (status.spent, status.exceeded, status.remaining, status.percent_used) == \
        (Decimal("100.00"), False, Decimal("0.00"), Decimal("100.0"))


def test_transfers_income_other_categories_periods_and_users_are_not_counted(user, acct, today, this_month):
    # Income in the budgeted category: the default "food" takes expenses only, so this test makes it
    # a category for both (rolled back with the test).
    Category.objects.filter(owner__isnull=True, name="food").update(kind="both")
    BudgetFactory(owner=user, limit=Decimal("100.00"))
    savings = account(user, "Savings", opening=Decimal("0.00"))
    ledger.transfer_create(user=user, from_account_id=acct.pk, to_account_id=savings.pk, amount=Decimal("50.00"),
                    occurred_on=today)
    ledger.income_post(user=user, account_id=acct.pk, amount=Decimal("50.00"), category=category("food"),
                       occurred_on=today)
    expense(acct, "50.00", on=today, category="rent")
    expense(acct, "50.00", on=this_month.start - timedelta(days=1))
    expense(acct, "50.00", on=this_month.end + timedelta(days=1))
    other = UserFactory()
    expense(account(other, opening="10000.00"), "50.00", on=today)
    expense(acct, "1.25", on=this_month.start)
    expense(acct, "2.50", on=this_month.end)
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


def test_a_past_month_judges_each_budget_on_its_own_period_at_that_months_end(user, acct, today, this_month):
    """Not against a whole month of spending: a weekly budget is judged on the week that
    holds the month's last day, counting what was spent up to that day."""
    last_month = month_window(this_month.start - timedelta(days=1))
    start = last_month.end - timedelta(days=7 * 10 + 2)  # weeks run start+7n .. ; the last one holds month end
    weekly = BudgetFactory(owner=user, period=Budget.Period.WEEKLY, start_date=start, limit=Decimal("10.00"))
    week = window_containing(period="weekly", start_date=start, day=last_month.end)
    expense(acct, "30.00", on=last_month.start)  # an earlier week of that month
    expense(acct, "4.00", on=week.start)
    expense(acct, "5.00", on=last_month.end)
    expense(acct, "99.00", on=today)  # after that month: not counted
    [status] = budget_vs_actual(user=user, month=last_month.start)
    assert status.budget_id == weekly.pk
    assert (status.period_start, status.period_end, status.as_of) == (week.start, week.end, last_month.end)
    assert (status.spent, status.exceeded, status.remaining) == (Decimal("9.00"), False, Decimal("1.00"))
    # A budget that started after that month is judged there on the period its rule gives.
    rent = BudgetFactory(owner=user, category=category("rent"), start_date=this_month.start)
    expense(acct, "12.00", on=last_month.end, category="rent")
    status = {s.budget_id: s for s in budget_vs_actual(user=user, month=last_month.start)}[rent.pk]
    assert (status.period_start, status.period_end, status.spent) == (last_month.start, last_month.end,
                                                                      Decimal("12.00"))


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
        BudgetFactory(owner=user, category=category(f"custom {i}", user=user), limit=Decimal("10.00"))


def test_constant_number_of_queries_for_1_and_50_budgets(acct, today):
    counts = {}
    for count in (1, 50):
        user = UserFactory()
        mine = account(user, opening="10000.00")
        _budgets(user, count)
        for i in range(0, count, 7):
            expense(mine, "11.00", on=today, category=f"custom {i}")
        with CaptureQueriesContext(connection) as queries:
            statuses = budget_vs_actual(user=user)
        assert len(statuses) == count
        assert sum(s.exceeded for s in statuses) == len(range(0, count, 7))
        counts[count] = len(queries)
    assert counts == {1: 2, 50: 2}


def test_spending_is_one_statement_text_for_any_customer_and_any_number_of_budgets(today):
    """The budgets' spending is asked on every dashboard: its text and its number of parameters
    are the same whoever asks and however many budgets (with windows of every shape: whole
    months, a start on the 15th, weekly), so psycopg converts it once per process and PostgreSQL
    plans it once per connection (prepared: bankdash/dbcursor.py)."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

    seen: list[tuple[str, int]] = []

    def record(execute, sql, params, many, context):
        if "jsonb_to_recordset" in sql:
            seen.append((sql, len(params)))
        return execute(sql, params, many, context)

    spent = {}
    for count, period, start_day in ((1, "monthly", 1), (4, "monthly", 15), (9, "weekly", 3)):
        user = UserFactory()
        mine = account(user, opening="10000.00")
        for i in range(count):
            BudgetFactory(owner=user, category=category(f"custom {i}", user=user), limit=Decimal("10.00"),
                          period=period, start_date=today.replace(day=start_day) - timedelta(days=62))
        expense(mine, "3.25", on=today, category="custom 0")
        expense(mine, "1.50", on=today - timedelta(days=40), category="custom 0")  # before every window
        with connection.execute_wrapper(record):
            spent[count] = sorted(s.spent for s in budget_vs_actual(user=user))
    assert spent == {1: [Decimal("3.25")], 4: [Decimal("0.00")] * 3 + [Decimal("3.25")],
                     9: [Decimal("0.00")] * 8 + [Decimal("3.25")]}
    assert len(seen) == 3 and len({sql for sql, _ in seen}) == 1
    assert {n for _, n in seen} == {3}
    assert len(seen[0][0].encode()) <= MAX_CACHED_STATEMENT_LENGTH and MAX_CACHED_STATEMENT_PARAMS >= 3


def test_the_budgets_as_json_read_as_the_plain_statement_reads_them(user):
    """ACTIVE_BUDGETS_JSON_SQL (the dashboard reads the budgets inside a statement of its own):
    the same budgets in the same order, the limit the exact Decimal (a JSON number would come
    back a float: 1234567.89 and 0.10 would not), names with quotes and accents as they are."""
    from apps.budgets.selectors import ACTIVE_BUDGETS_JSON_SQL, _active_budgets, active_budgets_of

    BudgetFactory(owner=user, category=category('Café "Zur Post"', user=user), limit=Decimal("1234567.89"),
                  period=Budget.Period.WEEKLY, warning_percent=65)
    BudgetFactory(owner=user, category=category("food"), limit=Decimal("0.10"))
    BudgetFactory(owner=user, category=category("rent"), is_active=False)
    BudgetFactory(category=category("health"))  # another user's

    with connection.cursor() as cursor:
        cursor.execute(ACTIVE_BUDGETS_JSON_SQL, [user.pk])
        [(text,)] = cursor.fetchall()
        cursor.execute(ACTIVE_BUDGETS_JSON_SQL, [UserFactory().pk])
        [(none,)] = cursor.fetchall()

    budgets = active_budgets_of(text)
    assert budgets == _active_budgets(user=user)
    assert [(b.category_name, str(b.limit), b.period, b.warning_percent) for b in budgets] == [
        ('Café "Zur Post"', "1234567.89", "weekly", 65), ("food", "0.10", "monthly", 80)]
    assert active_budgets_of(none) == []
