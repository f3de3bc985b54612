"""Low-balance alerts from the forecast: once per occurrence, from post_recurring and after
each ledger change (once it is committed)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.bills import services
from apps.bills.forecast_alerts import forecast_alerts_check, forecast_alerts_send
from apps.bills.models import RecurringItem
from tests.factories import account, expense

from .conftest import make_bill

pytestmark = pytest.mark.django_db
D = Decimal
START = date(2025, 11, 26)


def at(time_machine, day: date):
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def forecast_alerts(user) -> list[str]:
    return list(Alert.objects.filter(owner=user, kind="forecast_low").order_by("pk").values_list("message", flat=True))


@pytest.fixture
def month(user, time_machine):
    """26 Nov 2025: Checking 1,000.00, buffer 100.00; rent 850.00 on the 1st (leaves 150.00),
    200.00 to savings on the 10th (leaves −50.00); salary 2,000.00 on the 25th."""
    at(time_machine, START)
    checking = account(user, "Checking", opening="1000.00")
    savings = account(user, "Savings", opening="0.00", kind=Account.Kind.SAVINGS)
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=D("100.00"))
    make_bill(checking, name="Rent", amount="850.00", starts_on=date(2025, 12, 1))
    transfer = make_bill(checking, name="Monthly savings", amount="200.00", kind="transfer",
                         to_account_id=savings.pk, starts_on=date(2025, 12, 10))
    make_bill(checking, name="Salary", amount="2000.00", kind="income", cat="salary", starts_on=date(2025, 12, 25))
    return checking, transfer


MESSAGE = ("Checking is projected to reach −50.00 USD on Dec 10, 2025, after Monthly savings (200.00 USD), "
           "below the 100.00 USD you want to keep.")


def test_an_alert_once_per_occurrence(user, month, time_machine):
    checking, transfer = month
    [alert] = forecast_alerts_check(user=user)
    assert alert.message == MESSAGE
    assert alert.dedupe_key == f"forecast:{checking.pk}:2025-12-10:{transfer.pk}"
    assert forecast_alerts_check(user=user) == []
    at(time_machine, date(2025, 12, 5))
    assert forecast_alerts_check(user=user) == []
    assert forecast_alerts(user) == [MESSAGE]


def test_the_next_dip_is_another_alert(user, month, time_machine):
    forecast_alerts_check(user=user)
    # Late December: January's rent and transfer come before January's salary.
    at(time_machine, date(2025, 12, 26))
    Account.objects.filter(owner=user, name="Checking").update(forecast_buffer=D("1500.00"))
    forecast_alerts_check(user=user)
    messages = forecast_alerts(user)
    assert len(messages) == 2 and "on Jan 1, 2026, after Rent (850.00 USD)" in messages[1]


def test_no_alert_while_above_the_buffer(user, month):
    checking, transfer = month
    services.recurring_pause(user=user, item_id=transfer.pk)
    assert forecast_alerts_check(user=user) == []  # 150.00 stays above 100.00


def test_a_dip_beyond_thirty_days_waits(user, time_machine):
    at(time_machine, START)
    checking = account(user, "Checking", opening="100.00")
    make_bill(checking, name="Insurance", amount="500.00", frequency="yearly", starts_on=date(2026, 1, 15))
    assert forecast_alerts_check(user=user) == []
    at(time_machine, date(2025, 12, 20))
    assert len(forecast_alerts_check(user=user)) == 1


def test_the_key_is_unique_in_the_database(user, month):
    [alert] = forecast_alerts_check(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(owner=user, kind="forecast_low", message="again", dedupe_key=alert.dedupe_key)


def test_post_recurring_sends_them(user, month, capsys):
    call_command("post_recurring")
    assert "Sent 1 low-balance forecast alert." in capsys.readouterr().out
    call_command("post_recurring")
    assert "Sent 0 low-balance forecast alerts." in capsys.readouterr().out
    assert forecast_alerts(user) == [MESSAGE]


def test_post_recurring_checks_every_customer(user, month, user_factory, time_machine):
    other = user_factory()
    theirs = account(other, "Theirs", opening="10.00")
    make_bill(theirs, name="Gym", amount="40.00", starts_on=START)
    paused = user_factory()
    item = make_bill(account(paused, "Paused", opening="1.00"), name="Club", amount="40.00", starts_on=START)
    services.recurring_pause(user=paused, item_id=item.pk)
    assert forecast_alerts_send() == (2, 0)
    assert forecast_alerts(other) == ["Theirs is projected to reach −30.00 USD on Nov 26, 2025, after Gym (40.00 USD)."]
    assert forecast_alerts(paused) == []


def test_a_ledger_change_checks_after_the_commit(user, month, django_capture_on_commit_callbacks):
    checking, transfer = month
    services.recurring_pause(user=user, item_id=transfer.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        expense(checking, "100.00", on=START)  # 900.00, then 50.00 after rent
    assert len(callbacks) == 1
    assert forecast_alerts(user) == ["Checking is projected to reach 50.00 USD on Dec 1, 2025, after Rent "
                                     "(850.00 USD), below the 100.00 USD you want to keep."]


def test_a_ledger_change_rolled_back_alerts_nothing(user, month, django_capture_on_commit_callbacks):
    checking, _ = month
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        expense(checking, "100.00", on=START)
        raise RuntimeError("rolled back")
    assert callbacks == [] and forecast_alerts(user) == []


def test_an_automatic_payment_is_not_counted_twice(user, time_machine, django_capture_on_commit_callbacks):
    """Inside the posting's transaction the entry is in the ledger before its occurrence is
    marked paid: a check there would see the rent twice (150.00 - 850.00). After the commit it
    sees it once."""
    at(time_machine, START)
    checking = account(user, "Checking", opening="1000.00")
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=D("100.00"))
    make_bill(checking, name="Rent", amount="850.00", starts_on=START, autopay=True)
    make_bill(checking, name="Salary", amount="2000.00", kind="income", cat="salary", starts_on=date(2025, 12, 15))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        summary = services.recurring_post_due()
    assert len(summary.posted) == 1 and callbacks
    assert Account.objects.get(pk=checking.pk).balance == D("150.00")
    assert forecast_alerts(user) == []


def test_queries_do_not_grow_with_bills(user_factory, time_machine, django_assert_num_queries):
    at(time_machine, START)
    for n in (1, 50):
        owner = user_factory()
        acct = account(owner, "Checking", opening="100000.00")
        for i in range(n):
            make_bill(acct, name=f"Bill {i}", amount="1.00", frequency="weekly", starts_on=START)
        # Whether there are items, accounts, items, occurrences (no dip: no transaction, no key
        # lookup, no insert).
        with django_assert_num_queries(4):
            assert forecast_alerts_check(user=owner) == []


def test_a_customer_without_recurring_items_costs_one_query(user_factory, time_machine, django_assert_num_queries):
    """The check after every posting of a customer who has no bills or incomes scheduled
    (issue 17: it was a transaction of four statements)."""
    at(time_machine, START)
    owner = user_factory()
    acct = account(owner, "Checking", opening="100.00")
    paused = make_bill(acct, name="Paused", amount="500.00", frequency="weekly", starts_on=START)
    RecurringItem.objects.filter(pk=paused.pk).update(paused_on=START)
    with django_assert_num_queries(1):
        assert forecast_alerts_check(user=owner) == []
    RecurringItem.objects.filter(pk=paused.pk).update(paused_on=None)  # the same bill running: a dip
    assert len(forecast_alerts_check(user=owner)) == 1
