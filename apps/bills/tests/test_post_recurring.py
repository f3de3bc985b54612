"""post_recurring: every automatic date up to today posted exactly once, through the ledger."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.alerts.models import Alert
from apps.bills import services
from apps.bills.models import Occurrence
from apps.transactions.models import Transaction
from tests.factories import UserFactory, account, budget

from .conftest import TODAY, make_bill

pytestmark = pytest.mark.django_db
D = Decimal


def at(time_machine, day: date, hour: int = 12):
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def states(item):
    return dict(Occurrence.objects.filter(item=item).values_list("due_on", "state"))


def test_posts_autopay_bills_income_and_transfers_on_their_date(user, checking, savings):
    rent = make_bill(checking, autopay=True)
    salary = make_bill(checking, name="Salary", kind="income", cat="salary", amount="3000.00")
    saving = make_bill(checking, name="Savings", kind="transfer", to_account_id=savings.pk, amount="200.00")
    manual = make_bill(checking, name="Phone", amount="30.00")
    later = make_bill(checking, name="Gym", amount="40.00", autopay=True, starts_on=date(2025, 12, 16))
    summary = services.recurring_post_due()
    assert sorted(o.item.name for o in summary.posted) == ["Rent", "Salary", "Savings"]
    entries = {o.item.name: Occurrence.objects.get(pk=o.pk).transaction for o in summary.posted}
    assert (entries["Rent"].kind, entries["Rent"].amount, entries["Rent"].occurred_on,
            entries["Rent"].description) == ("expense", D("850.00"), TODAY, "Rent")
    assert (entries["Salary"].kind, entries["Salary"].category.name) == ("income", "salary")
    assert entries["Savings"].kind == "transfer_out"
    checking.refresh_from_db()
    savings.refresh_from_db()
    assert (checking.balance, savings.balance) == (D("2950.00"), D("200.00"))  # 1000 - 850 + 3000 - 200
    assert states(manual) == {} and states(later) == {}  # a manual bill waits; tomorrow's is tomorrow's
    for item in (rent, salary, saving):
        assert states(item) == {TODAY: "paid"}


def test_running_again_posts_nothing_more(user, checking):
    make_bill(checking, autopay=True, amount="10.00", frequency="weekly")
    assert len(services.recurring_post_due().posted) == 1
    for _ in range(3):
        assert services.recurring_post_due().posted == []
    assert Transaction.objects.filter(owner=user, kind="expense").count() == 1


def test_catches_up_every_date_missed_since_the_last_run_once(user, checking, time_machine):
    weekly = make_bill(checking, name="Salary", kind="income", cat="salary", amount="100.00", frequency="weekly")
    at(time_machine, date(2026, 1, 12))  # five Mondays: 15, 22, 29 Dec, 5, 12 Jan
    assert len(services.recurring_post_due().posted) == 5
    assert services.recurring_post_due().posted == []
    assert sorted(states(weekly)) == [date(2025, 12, 15), date(2025, 12, 22), date(2025, 12, 29), date(2026, 1, 5),
                                      date(2026, 1, 12)]
    assert sorted(Transaction.objects.filter(owner=user, kind="income").values_list("occurred_on", flat=True)) == \
        sorted(states(weekly))


def test_a_long_backlog_is_posted_in_bounded_runs(user, checking, time_machine, monkeypatch):
    monkeypatch.setattr(services, "MAX_DATES_PER_RUN", 2)
    make_bill(checking, name="Salary", kind="income", cat="salary", amount="1.00", frequency="weekly")
    at(time_machine, date(2026, 1, 12))
    assert [len(services.recurring_post_due().posted) for _ in range(4)] == [2, 2, 1, 0]


def test_month_ends_clamp_and_come_back(user, checking, time_machine):
    at(time_machine, date(2026, 1, 1))
    rent = make_bill(checking, name="Salary", kind="income", cat="salary", amount="1.00",
                     starts_on=date(2026, 1, 31))
    for day in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 30)):
        at(time_machine, day)
        services.recurring_post_due()
    assert sorted(states(rent)) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_today_is_the_customers_today(checking, time_machine):
    auckland = UserFactory(time_zone="Pacific/Auckland")  # UTC+13 in December
    los_angeles = UserFactory(time_zone="America/Los_Angeles")  # UTC-8
    at(time_machine, date(2025, 12, 15), hour=10)  # 23:00 on the 15th in Auckland, 02:00 in Los Angeles
    items = {
        user.time_zone: make_bill(account(user, opening="100.00"), name="Gym", amount="1.00", autopay=True,
                                  starts_on=date(2025, 12, 16))
        for user in (auckland, los_angeles)
    }
    at(time_machine, date(2025, 12, 15), hour=12)  # 01:00 on the 16th in Auckland, 04:00 on the 15th in LA
    assert [o.item.owner for o in services.recurring_post_due().posted] == [auckland]
    at(time_machine, date(2025, 12, 16), hour=7)  # still the 15th in Los Angeles (23:00)
    assert services.recurring_post_due().posted == []
    at(time_machine, date(2025, 12, 16), hour=8)  # midnight in Los Angeles
    assert [o.item.owner for o in services.recurring_post_due().posted] == [los_angeles]
    assert all(states(item) == {date(2025, 12, 16): "paid"} for item in items.values())


def test_an_autopay_that_would_overdraw_fails_with_an_alert_and_changes_no_balance(user, checking, savings):
    rent = make_bill(checking, amount="1200.00", autopay=True)
    saving = make_bill(checking, name="Savings", kind="transfer", to_account_id=savings.pk, amount="1000.01")
    salary = make_bill(savings, name="Salary", kind="income", cat="salary", amount="10.00")
    summary = services.recurring_post_due()
    assert [o.item.name for o in summary.posted] == ["Salary"]  # one failure does not undo the others
    assert sorted(o.item.name for o in summary.failed) == ["Rent", "Savings"]
    checking.refresh_from_db()
    assert checking.balance == D("1000.00")
    failed = Occurrence.objects.get(item=rent)
    assert (failed.state, failed.transaction) == ("failed", None)
    assert failed.failure_reason.startswith("not enough money in “Checking”")
    messages = sorted(Alert.objects.filter(owner=user, kind="autopay_failed").values_list("message", flat=True))
    assert messages[0].startswith("Autopay of Rent (1,200.00 USD) on Dec 15, 2025 failed: not enough money in "
                                  "“Checking”: this would take the balance to −200.00 USD.")
    assert messages[1].startswith("The automatic transfer Savings (1,000.01 USD) on Dec 15, 2025 failed")
    assert states(saving) == {TODAY: "failed"} and states(salary) == {TODAY: "paid"}
    # Exactly once: no retry, no second alert, however often it runs.
    services.recurring_post_due()
    assert Alert.objects.filter(owner=user, kind="autopay_failed").count() == 2
    # The customer can still pay it by hand once there is money.
    services.occurrence_mark_paid(user=user, item_id=rent.pk, due_on=TODAY, post=True, amount=D("900.00"))
    assert states(rent) == {TODAY: "paid"}


def test_autopay_goes_through_the_ledger_budget_check(user, checking):
    budget(user, "rent", limit="800.00")
    make_bill(checking, autopay=True)
    services.recurring_post_due()
    assert Alert.objects.filter(owner=user, kind="budget_exceeded").count() == 1


def test_a_paused_or_deleted_item_is_not_posted(user, checking):
    paused = make_bill(checking, autopay=True, amount="1.00")
    services.recurring_pause(user=user, item_id=paused.pk)
    deleted = make_bill(checking, name="Gym", autopay=True, amount="1.00")
    services.recurring_delete(user=user, item_id=deleted.pk)
    assert services.recurring_post_due().posted == []


def test_the_command_prints_a_summary(user, checking, capsys):
    make_bill(checking, autopay=True, amount="10.00")
    make_bill(checking, name="Phone", amount="20.00", starts_on=date(2025, 12, 17))
    call_command("post_recurring", verbosity=2)
    out = capsys.readouterr().out
    assert "posted Rent (10.00) due 2025-12-15" in out
    assert "Posted 1 payment, 0 failed; sent 1 reminder and 0 overdue alerts." in out


def test_one_item_breaking_does_not_stop_the_others(user, checking, monkeypatch, capsys):
    broken = make_bill(checking, name="Broken", autopay=True, amount="1.00")
    make_bill(checking, name="Fine", autopay=True, amount="1.00")
    post = services._post_to_ledger

    def flaky(item, **kwargs):
        if item.pk == broken.pk:
            raise RuntimeError("boom")
        return post(item, **kwargs)

    monkeypatch.setattr(services, "_post_to_ledger", flaky)
    with pytest.raises(CommandError, match="1 item could not be processed"):
        call_command("post_recurring")
    assert "Posted 1 payment" in capsys.readouterr().out
    assert states(broken) == {TODAY: "upcoming"}  # rolled back to open: the next run tries again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_threads_running_at_once_post_each_date_once():
    user = UserFactory()
    checking = account(user, opening="1000.00")
    items = [make_bill(checking, name=f"Bill {i}", amount="1.00", autopay=True, frequency="weekly",
                       starts_on=date(2025, 12, 15)) for i in range(5)]
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            services.recurring_post_due(today=date(2026, 1, 12))  # 5 dates each
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Occurrence.objects.filter(item__in=items, state="paid").count() == 25
    assert Transaction.objects.filter(owner=user, kind="expense").count() == 25
    checking.refresh_from_db()
    assert checking.balance == D("975.00")
