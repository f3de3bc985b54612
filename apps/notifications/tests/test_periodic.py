"""The worker's periodic jobs: registered with their crons, deferred once per period however
many workers defer them, and what they do (budgets re-checked when a customer's day changes,
expired data purged)."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session
from django.db import connections
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer

from apps.alerts.models import Alert
from apps.imports.models import ImportBatch
from apps.notifications import tasks
from apps.notifications.models import Delivery
from apps.notifications.services import budgets_recheck_new_days
from apps.transactions.models import FormSubmission
from tests.factories import account, budget, default_category, expense

from .conftest import dispatch_deferred, jobs

PERIODIC = {"notifications.post_recurring": "*/5 * * * *", "notifications.recheck_budgets": "*/15 * * * *",
            "notifications.purge_expired": "30 3 * * *", "notifications.retry_stalled_jobs": "* * * * *",
            "notifications.send_digests": "*/15 * * * *", "notifications.remove_old_jobs": "45 3 * * *"}


def test_the_periodic_jobs_are_registered_with_their_crons():
    registered = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert registered == PERIODIC


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_two_workers_defer_each_periodic_job_once_per_timestamp():
    timestamp = int(datetime(2026, 1, 5, 3, 30, tzinfo=UTC).timestamp())
    due = [(task, timestamp) for task in app.periodic_registry.periodic_tasks.values()]

    async def two_workers():
        async with app.open_async():
            for _ in range(2):  # each worker's periodic deferrer, at the same tick
                await PeriodicDeferrer(registry=app.periodic_registry).defer_jobs(due)
        await sync_to_async(connections.close_all)()

    with app.replace_connector(app.connector.get_worker_connector()):
        asyncio.run(two_workers())
    for name in PERIODIC:
        [job] = jobs(name)
        assert job.args == {"timestamp": timestamp}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_finished_jobs_are_removed_after_a_week_failed_ones_after_thirty_days():
    """The queue's tables do not grow forever: succeeded jobs go after 7 days, failed,
    cancelled and aborted ones after 30, jobs still to do or running never."""
    ages = {"fresh-ok": ("succeeded", 1), "old-ok": ("succeeded", 8 * 24), "recent-failed": ("failed", 8 * 24),
            "old-failed": ("failed", 31 * 24), "old-cancelled": ("cancelled", 31 * 24), "old-todo": ("todo", 60 * 24)}
    with connections["default"].cursor() as cursor:
        for name, (status, hours) in ages.items():
            cursor.execute("INSERT INTO procrastinate_jobs (queue_name, task_name, args, status) "
                           "VALUES ('periodic', %s, '{}', %s) RETURNING id", [name, status])
            job_id = cursor.fetchone()[0]
            cursor.execute("INSERT INTO procrastinate_events (job_id, type, at) VALUES (%s, 'deferred', now())",
                           [job_id])
            cursor.execute("UPDATE procrastinate_events SET at = now() - make_interval(hours => %s) "
                           "WHERE job_id = %s", [hours, job_id])

    async def the_job():
        async with app.open_async():
            context = SimpleNamespace(app=app)
            result = await tasks.remove_old_jobs.func(context, timestamp=0)
        await sync_to_async(connections.close_all)()
        return result

    with app.replace_connector(app.connector.get_worker_connector()):
        assert "older than 168 h" in asyncio.run(the_job())
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT task_name FROM procrastinate_jobs WHERE task_name = ANY(%s) ORDER BY task_name",
                       [list(ages)])
        assert [row[0] for row in cursor.fetchall()] == ["fresh-ok", "old-todo", "recent-failed"]


def test_a_future_dated_expense_is_checked_when_its_day_comes_in_the_users_time_zone(user_factory, time_machine):
    time_machine.move_to(datetime(2025, 12, 15, 12, 0, tzinfo=UTC), tick=False)
    auckland, berlin = user_factory(time_zone="Pacific/Auckland"), user_factory(time_zone="Europe/Berlin")
    for user in (auckland, berlin):
        budget(user, limit="100.00")
        expense(account(user, opening="1000.00"), "150.00", on=date(2026, 1, 5))
    assert not Alert.objects.exists()  # January is not the current period yet

    # Midnight of 5 January in Auckland (UTC+13): Berlin is still on the 4th.
    auckland_midnight = datetime(2026, 1, 4, 11, 0, tzinfo=UTC)
    assert budgets_recheck_new_days(at=auckland_midnight, since=auckland_midnight - timedelta(minutes=15)) == 1
    [alert] = Alert.objects.all()
    assert (alert.owner, alert.kind, alert.period_start) == (auckland, "budget_exceeded", date(2026, 1, 1))
    assert [job.args for job in jobs("notifications.dispatch")] == [{"alert_ids": [alert.pk]}]
    dispatch_deferred()
    assert Delivery.objects.get().alert == alert and jobs().count() == 1

    # Midnight in Berlin (UTC+1); the same tick again (a second worker, a retry) adds nothing.
    berlin_midnight = datetime(2026, 1, 4, 23, 0, tzinfo=UTC)
    for _ in range(2):
        budgets_recheck_new_days(at=berlin_midnight, since=berlin_midnight - timedelta(minutes=15))
    assert sorted(Alert.objects.values_list("owner__time_zone", flat=True)) == ["Europe/Berlin", "Pacific/Auckland"]
    # A tick at which nobody's day changes checks nobody.
    noon = datetime(2026, 1, 5, 12, 7, tzinfo=UTC)
    assert budgets_recheck_new_days(at=noon, since=noon - timedelta(minutes=15)) == 0


def test_a_new_budget_period_is_checked_at_its_start(user_factory, time_machine):
    time_machine.move_to(datetime(2025, 12, 15, 12, 0, tzinfo=UTC), tick=False)
    user = user_factory(time_zone="UTC")
    budget(user, limit="100.00", period="weekly")
    checking = account(user, opening="1000.00")
    expense(checking, "150.00", on=date(2025, 12, 18))  # in next week's period (weeks from 17 December)
    assert not Alert.objects.exists()
    tasks.recheck_budgets(timestamp=int(datetime(2025, 12, 16, 23, 45, tzinfo=UTC).timestamp()))
    assert not Alert.objects.exists()
    tasks.recheck_budgets(timestamp=int(datetime(2025, 12, 17, 0, 0, tzinfo=UTC).timestamp()))
    assert Alert.objects.get().period_start == date(2025, 12, 17)


def test_the_purge_drops_expired_sessions_day_old_form_tokens_and_abandoned_uploads(user, time_machine):
    now = datetime(2025, 12, 15, 3, 30, tzinfo=UTC)
    time_machine.move_to(now - timedelta(days=2), tick=False)
    old_token = FormSubmission.objects.create(owner=user)
    old_batch = ImportBatch.objects.create(owner=user, file_name="old.csv", sha256="a" * 64, format="csv",
                                           status="previewed", content=b"date,amount\n")
    posted = ImportBatch.objects.create(owner=user, file_name="posted.csv", sha256="b" * 64, format="csv",
                                        status="posted", posted_at=timezone.now())
    Session.objects.create(session_key="expired", session_data="x", expire_date=now - timedelta(hours=1))
    time_machine.move_to(now, tick=False)
    new_token = FormSubmission.objects.create(owner=user)
    new_batch = ImportBatch.objects.create(owner=user, file_name="new.csv", sha256="c" * 64, format="csv",
                                           status="previewed", content=b"date,amount\n")
    Session.objects.create(session_key="live", session_data="x", expire_date=now + timedelta(days=1))

    result = tasks.purge_expired(timestamp=int(now.timestamp()))

    assert result == "form tokens 1, import uploads 1"
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [new_token.pk]
    assert not FormSubmission.objects.filter(pk=old_token.pk).exists()
    old_batch.refresh_from_db()
    assert (old_batch.status, old_batch.content) == ("cancelled", None)
    assert ImportBatch.objects.get(pk=new_batch.pk).status == "previewed"
    assert ImportBatch.objects.get(pk=posted.pk).status == "posted"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_post_recurring_does_what_the_command_does(user, time_machine):
    from apps.bills.models import Occurrence
    from apps.bills.services import recurring_create

    time_machine.move_to(datetime(2025, 12, 15, 12, 0, tzinfo=UTC), tick=False)
    checking = account(user, opening="20.00")
    recurring_create(user=user, name="Gym", amount=Decimal("30.00"), account_id=checking.pk, frequency="monthly",
                     starts_on=date(2025, 12, 15), autopay=True, category=default_category("food"))
    result = tasks.post_recurring(timestamp=int(timezone.now().timestamp()))
    assert result.startswith("posted 0, failed 1")  # not enough money: a failed payment and its alert
    assert Occurrence.objects.get().state == "failed"
    alert = Alert.objects.get(kind="autopay_failed")
    dispatch_deferred()
    assert Delivery.objects.filter(alert=alert, channel="email").count() == 1
