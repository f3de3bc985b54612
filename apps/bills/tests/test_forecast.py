"""The forecast (apps.bills.forecast) against figures computed by hand."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from apps.accounts.models import Account
from apps.bills import services
from apps.bills.forecast import (
    Event,
    account_forecast,
    account_forecasts,
    crossings,
    lowest_point,
    next_income,
    project,
)
from tests.factories import account, expense

from .conftest import make_bill

pytestmark = pytest.mark.django_db
D = Decimal
# The day the forecasts below start: just after a salary on the 25th, rent due on the 1st.
START = date(2025, 11, 26)


def at(time_machine, day: date):
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def expected_series(start: date, changes: dict[date, str], opening: str, days: int) -> dict[date, Decimal]:
    """The end-of-day balance of each day, from the balance now and the changes on their days."""
    balance, series = D(opening), {}
    for day in days_from(start, start + timedelta(days=days)):
        balance += D(changes.get(day, "0"))
        series[day] = balance
    return series


# --- the pure function -----------------------------------------------------------------------

def test_project_by_hand():
    rent = Event(day=date(2025, 12, 1), amount=D("-850.00"), label="Rent")
    salary = Event(day=date(2025, 12, 25), amount=D("2000.00"), label="Salary")
    points = project(balance=D("1000.00"), today=START, days=30, events=[salary, rent])
    assert len(points) == 31 and points[0].day == START and points[-1].day == date(2025, 12, 26)
    assert {p.day: p.balance for p in points} == expected_series(
        START, {date(2025, 12, 1): "-850.00", date(2025, 12, 25): "2000.00"}, "1000.00", 30)
    assert points[5].events == (rent,)
    low = lowest_point(points)
    assert (low.day, low.balance, low.after) == (date(2025, 12, 1), D("150.00"), rent)
    assert next_income(points) == salary


def test_an_event_before_today_counts_today_and_one_after_the_end_never():
    overdue = Event(day=date(2025, 11, 20), amount=D("-30.00"), label="Phone", due_on=date(2025, 11, 20))
    later = Event(day=date(2026, 2, 1), amount=D("-5.00"), label="Later")
    points = project(balance=D("100.00"), today=START, days=10, events=[overdue, later])
    assert points[0].balance == D("70.00") and points[-1].balance == D("70.00")
    assert points[0].events[0].day == START and points[0].events[0].is_overdue


def test_money_out_and_in_on_one_day_count_together():
    points = project(balance=D("10.00"), today=START, days=1, events=[
        Event(day=START, amount=D("500.00"), label="Salary"), Event(day=START, amount=D("-400.00"), label="Rent")])
    assert points[0].balance == D("110.00")
    assert [e.label for e in points[0].events] == ["Rent", "Salary"]  # money out first


def test_the_estimate_is_taken_off_from_tomorrow():
    points = project(balance=D("100.00"), today=START, days=3, events=[], daily_spending=D("12.34"))
    assert [p.estimated_balance for p in points] == [D("100.00"), D("87.66"), D("75.32"), D("62.98")]
    assert [p.balance for p in points] == [D("100.00")] * 4
    assert lowest_point(points, estimated=True).balance == D("62.98")


def test_crossings_once_per_dip():
    events = [Event(day=date(2025, 11, 28), amount=D("-80.00"), label="A"),
              Event(day=date(2025, 11, 29), amount=D("-10.00"), label="B"),  # still below: same dip
              Event(day=date(2025, 11, 30), amount=D("100.00"), label="Pay"),
              Event(day=date(2025, 12, 2), amount=D("-95.00"), label="C"),
              Event(day=date(2025, 12, 2), amount=D("-1.00"), label="D")]
    points = project(balance=D("100.00"), today=START, days=10, events=events)
    found = crossings(points, floor=D("50.00"))
    assert [(c.day, c.balance, c.culprit.label) for c in found] == [
        (date(2025, 11, 28), D("20.00"), "A"), (date(2025, 12, 2), D("14.00"), "C")]


def test_already_below_the_floor_the_first_payment_is_told():
    points = project(balance=D("10.00"), today=START, days=5, events=[
        Event(day=date(2025, 11, 28), amount=D("-5.00"), label="Gym")])
    assert [c.culprit.label for c in crossings(points, floor=D("50.00"))] == ["Gym"]


# --- from the database -------------------------------------------------------------------------

@pytest.fixture
def month(user, time_machine):
    """26 Nov 2025: Checking holds 1,000.00; rent 850.00 on the 1st; salary 2,000.00 on the 25th."""
    at(time_machine, START)
    checking = account(user, "Checking", opening="1000.00")
    rent = make_bill(checking, name="Rent", amount="850.00", starts_on=date(2025, 12, 1))
    salary = make_bill(checking, name="Salary", amount="2000.00", kind="income", cat="salary",
                       starts_on=date(2025, 12, 25))
    return checking, rent, salary


def set_buffer(acct: Account, amount: str) -> None:
    Account.objects.filter(pk=acct.pk).update(forecast_buffer=D(amount))


def test_account_forecast_by_hand(user, month):
    checking, rent, salary = month
    set_buffer(checking, "100.00")
    forecast = account_forecast(user=user, account_id=checking.pk, days=30)
    assert {p.day: p.balance for p in forecast.points} == expected_series(
        START, {date(2025, 12, 1): "-850.00", date(2025, 12, 25): "2000.00"}, "1000.00", 30)
    assert forecast.end == date(2025, 12, 26)
    assert (forecast.lowest.day, forecast.lowest.balance, forecast.lowest.after.label) == (
        date(2025, 12, 1), D("150.00"), "Rent")
    assert (forecast.next_income.day, forecast.next_income.label, forecast.next_income.amount) == (
        date(2025, 12, 25), "Salary", D("2000.00"))
    assert forecast.lowest_before_next_income == D("150.00")
    assert forecast.safe_to_spend == D("50.00")  # 1,000.00 - 850.00 - 100.00
    assert not forecast.below_buffer
    # Sixty days: January's rent after the salary; the lowest point is still 1 December.
    longer = account_forecast(user=user, account_id=checking.pk, days=60)
    assert longer.points[-1].day == date(2026, 1, 25) and longer.points[-1].balance == D("3300.00")
    assert longer.lowest.balance == D("150.00") and longer.safe_to_spend == D("50.00")


def test_money_saved_toward_a_goal_is_not_safe_to_spend(user, month):
    """The balance saved toward the account's goal, up to the goal, is left aside like the
    buffer: spending it would set the goal back. Above the goal the rest is spendable; an
    account without money sets nothing aside; no goal, nothing."""
    checking, _, _ = month
    set_buffer(checking, "100.00")

    def figures(goal):
        Account.objects.filter(pk=checking.pk).update(goal_amount=D(goal) if goal else None)
        forecast = account_forecast(user=user, account_id=checking.pk, days=30)
        return forecast.set_aside, forecast.safe_to_spend

    assert figures(None) == (D("0.00"), D("50.00"))  # 1,000.00 - 850.00 rent - 100.00 buffer
    assert figures("600.00") == (D("600.00"), D("-550.00"))  # the rent would eat into the savings: 550.00 short
    assert figures("5000.00") == (D("1000.00"), D("-950.00"))  # all of the balance is toward the goal
    savings = account(user, "Savings", opening="1500.00", kind=Account.Kind.SAVINGS)
    Account.objects.filter(pk=savings.pk).update(goal_amount=D("1200.00"))
    forecast = account_forecast(user=user, account_id=savings.pk, days=30)
    assert (forecast.set_aside, forecast.safe_to_spend) == (D("1200.00"), D("300.00"))  # what is above the goal
    empty = account(user, "Empty savings", opening="0.00", kind=Account.Kind.SAVINGS)
    Account.objects.filter(pk=empty.pk).update(goal_amount=D("1200.00"))
    forecast = account_forecast(user=user, account_id=empty.pk, days=30)
    assert (forecast.set_aside, forecast.safe_to_spend) == (D("0.00"), D("0.00"))


def test_a_transfer_moves_both_accounts(user, month):
    checking, _, _ = month
    savings = account(user, "Savings", opening="0.00", kind=Account.Kind.SAVINGS)
    make_bill(checking, name="Monthly savings", amount="200.00", kind="transfer", to_account_id=savings.pk,
              starts_on=date(2025, 12, 10))
    forecasts = account_forecasts(user=user, accounts=[Account.objects.get(pk=checking.pk),
                                                       Account.objects.get(pk=savings.pk)], days=30)
    mine, theirs = forecasts[checking.pk], forecasts[savings.pk]
    assert (mine.lowest.day, mine.lowest.balance, mine.lowest.after.label) == (
        date(2025, 12, 10), D("-50.00"), "Monthly savings")
    assert mine.safe_to_spend == D("-50.00")  # 1,000.00 - 850.00 - 200.00: 50.00 short
    assert theirs.points[-1].balance == D("200.00")
    assert {p.day: p.balance for p in theirs.points}[date(2025, 12, 9)] == D("0.00")
    assert theirs.next_income.day == date(2025, 12, 10) and theirs.next_income.kind == "transfer_in"
    assert theirs.safe_to_spend == D("0.00")


def test_paused_items_count_nothing(user, month):
    checking, rent, _ = month
    services.recurring_pause(user=user, item_id=rent.pk)
    forecast = account_forecast(user=user, account_id=checking.pk, days=30)
    assert forecast.lowest.balance == D("1000.00") and forecast.safe_to_spend == D("1000.00")


def test_skipped_and_paid_dates_are_not_counted_again(user, month):
    checking, rent, _ = month
    services.occurrence_skip(user=user, item_id=rent.pk, due_on=date(2025, 12, 1))
    forecast = account_forecast(user=user, account_id=checking.pk, days=40)
    assert {p.day: p.balance for p in forecast.points}[date(2025, 12, 24)] == D("1000.00")
    assert forecast.points[-1].balance == D("2150.00")  # 5 January: January's rent still counts
    # Paid early (posted today): the balance has it, the date is not counted a second time.
    services.occurrence_mark_paid(user=user, item_id=rent.pk, due_on=date(2026, 1, 1), post=True)
    forecast = account_forecast(user=user, account_id=checking.pk, days=40)
    assert forecast.balance == D("150.00")
    assert forecast.points[-1].balance == D("2150.00")


def test_an_overdue_bill_counts_today(user, month, time_machine):
    checking, _, _ = month
    make_bill(checking, name="Phone", amount="30.00", starts_on=START, remind_days=None)
    at(time_machine, date(2025, 11, 28))
    forecast = account_forecast(user=user, account_id=checking.pk, days=5)
    [phone] = forecast.points[0].events
    assert (phone.label, phone.amount, phone.due_on, phone.is_overdue) == ("Phone", D("-30.00"), START, True)
    assert forecast.points[0].balance == D("970.00")


def test_an_estimated_bill_counts_its_expected_amount(user, month):
    checking, _, _ = month
    make_bill(checking, name="Electricity", amount="90.00", amount_min=D("60.00"), amount_max=D("120.00"),
              starts_on=date(2025, 12, 15), cat="utilities")
    forecast = account_forecast(user=user, account_id=checking.pk, days=30)
    [event] = [e for p in forecast.points for e in p.events if e.label == "Electricity"]
    assert event.estimated and event.amount == D("-90.00")
    assert forecast.lowest.balance == D("60.00") and forecast.lowest.after.label == "Electricity"


def test_the_spending_estimate_leaves_bill_payments_out(user, time_machine):
    at(time_machine, START)
    everyday = account(user, "Everyday", opening="5000.00")
    gym = make_bill(everyday, name="Gym", amount="40.00", starts_on=date(2025, 12, 1), cat="health")
    expense(everyday, "90.00", on=date(2025, 11, 1))
    expense(everyday, "180.00", on=date(2025, 9, 10))
    expense(everyday, "999.00", on=date(2025, 8, 27))  # 91 days ago: outside the 90 days
    expense(everyday, "5.00", on=START)  # today: not a whole day yet
    services.occurrence_mark_paid(user=user, item_id=gym.pk, due_on=date(2025, 12, 1), post=True,
                                  paid_on=date(2025, 11, 25))  # a bill's payment: not in the estimate
    forecast = account_forecast(user=user, account_id=everyday.pk, days=3, estimate=True)
    assert forecast.daily_spending == D("3.00") and forecast.estimate_days == 90  # 270.00 / 90 days
    assert forecast.balance == D("3686.00")  # 5,000.00 - 1,274.00 - 40.00
    assert [p.estimated_balance for p in forecast.points] == [D("3686.00"), D("3683.00"), D("3680.00"),
                                                              D("3677.00")]
    assert forecast.lowest.balance == D("3686.00")  # the scheduled series has no estimate in it
    assert forecast.lowest_estimated.balance == D("3677.00")
    assert account_forecast(user=user, account_id=everyday.pk, days=3).daily_spending is None


def test_a_young_account_is_estimated_over_its_days(user, time_machine):
    at(time_machine, START)
    young = account(user, "New", opening="500.00", opened_on=date(2025, 11, 16))
    expense(young, "25.00", on=date(2025, 11, 20))
    forecast = account_forecast(user=user, account_id=young.pk, days=2, estimate=True)
    assert (forecast.daily_spending, forecast.estimate_days) == (D("2.50"), 10)
    opened_today = account(user, "Today", opening="5.00", opened_on=START)
    assert account_forecast(user=user, account_id=opened_today.pk, days=2, estimate=True).daily_spending is None


def test_a_credit_card_may_go_down_to_its_limit(user, time_machine):
    at(time_machine, START)
    card = account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("1000.00"))
    make_bill(card, name="Streaming", amount="15.00", starts_on=date(2025, 12, 3), cat="entertainment")
    set_buffer(card, "100.00")
    forecast = account_forecast(user=user, account_id=card.pk, days=30)
    assert forecast.floor == D("-900.00")
    # No income in sight: every payment of the next 90 days counts (3 Dec, 3 Jan, 3 Feb).
    assert forecast.safe_to_spend == D("855.00")  # 0 + 1,000.00 - 100.00 - 3 × 15.00
    assert forecast.next_income is None and forecast.lowest_before_next_income == D("-45.00")
    assert forecast.lowest.balance == D("-15.00")  # within the 30 days shown


def test_another_customers_account_is_not_found(user, user_factory, month):
    theirs = account(user_factory(), "Theirs", opening="5.00")
    with pytest.raises(Account.DoesNotExist):
        account_forecast(user=user, account_id=theirs.pk)


def test_another_customers_items_never_count(user, user_factory, month):
    checking, _, _ = month
    other = user_factory()
    make_bill(account(other, "Theirs", opening="5000.00"), name="Theirs", amount="4000.00",
              starts_on=date(2025, 11, 27))
    assert account_forecast(user=user, account_id=checking.pk).lowest.balance == D("150.00")


# --- queries -------------------------------------------------------------------------------------

def many_bills(acct: Account, n: int) -> None:
    for i in range(n):
        make_bill(acct, name=f"Bill {i}", amount=f"{i + 1}.00", frequency=["weekly", "monthly", "biweekly"][i % 3],
                  starts_on=date(2025, 11, 27) + timedelta(days=i % 20))


@pytest.mark.parametrize("estimate", [False, True])
def test_queries_do_not_grow_with_the_number_of_bills(user, user_factory, time_machine, django_assert_num_queries,
                                                      estimate):
    at(time_machine, START)
    one = account(user, "One", opening="100000.00")
    many_bills(one, 1)
    other = user_factory()
    fifty = account(other, "Fifty", opening="100000.00")
    many_bills(fifty, 50)
    services.occurrence_skip(user=other, item_id=fifty.recurring_items.first().pk, due_on=date(2025, 11, 27))
    expected = 4 if estimate else 3  # the account, its items, their occurrences (+ the estimate's sum)
    with django_assert_num_queries(expected):
        account_forecast(user=user, account_id=one.pk, days=90, estimate=estimate)
    with django_assert_num_queries(expected):
        forecast = account_forecast(user=other, account_id=fifty.pk, days=90, estimate=estimate)
    assert sum(len(p.events) for p in forecast.points) > 300
