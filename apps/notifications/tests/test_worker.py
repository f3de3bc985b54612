"""The real worker (procrastinate, run in-process) dispatches the alerts of a committed posting
and sends through a real SMTP server; the jobs of a dead worker are run again."""

import contextlib
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from apps.alerts.models import Alert
from apps.alerts.services import system_alert_broadcast
from apps.notifications.models import Delivery, DeliveryStatus, NotificationPreference, QuietHours
from apps.notifications.tasks import DELIVERY_RETRY, STALLED_AFTER_SECONDS, deliver, dispatch, retry_stalled_jobs
from tests.clock import TODAY
from tests.factories import account, budget, expense

from .conftest import jobs, run_worker

# The worker runs jobs in threads of its own, with their own connections: committed data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.usefixtures("frozen_now")
def test_an_expense_over_budget_is_emailed_once_with_its_unsubscribe_link(user, smtp_server, client):
    checking = account(user, opening="1000.00")
    budget(user, limit="100.00")
    expense(checking, "150.00", on=TODAY)
    [alert] = Alert.objects.filter(owner=user)
    # The posting committed the alert and one dispatch job; the worker does the rest.
    assert [job.args for job in jobs("notifications.dispatch")] == [{"alert_ids": [alert.pk]}]
    assert not Delivery.objects.exists()

    run_worker()

    [delivery] = Delivery.objects.all()
    assert list(jobs("notifications.dispatch").values_list("status", flat=True)) == ["succeeded"]

    [message] = smtp_server.messages
    assert message["To"] == user.email
    assert message["Subject"] == "BankDash: Budget exceeded: “Food”"  # which budget, in the inbox
    assert message["Message-ID"] == f"<alert-{alert.pk}-email@127.0.0.1>"
    assert message["X-BankDash-Delivery"] == f"alert-{alert.pk}-email"
    body = message.get_content()
    assert alert.message in body
    assert "You have exceeded your monthly" in body
    assert "\nBudgets: http://127.0.0.1:8000/budgets/\n" in body.replace("\r\n", "\n")  # where it is acted on
    unsubscribe_url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert f"Stop these emails (no login needed): {unsubscribe_url}" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert list(jobs().values_list("status", flat=True)) == ["succeeded"]

    # The link works without logging in: the alert kind is off by email from then on.
    response = client.post(urlsplit(unsubscribe_url).path)
    assert response.status_code == 200
    assert NotificationPreference.objects.get(owner=user).enabled is False

    # The same delivery's job run again (a retry, a duplicate) sends nothing more, and the
    # dispatch run again creates no delivery and defers no job.
    deliver.defer(delivery_id=delivery.pk)
    dispatch.defer(alert_ids=[alert.pk])
    run_worker()
    assert len(smtp_server.messages) == 1
    assert Delivery.objects.count() == 1
    assert list(jobs().values_list("status", flat=True)) == ["succeeded", "succeeded"]
    assert list(jobs("notifications.dispatch").values_list("status", flat=True)) == ["succeeded", "succeeded"]


def test_in_quiet_hours_the_worker_holds_the_delivery_and_defers_it_to_their_end(user, smtp_server):
    # The real clock (the held job's time is compared with PostgreSQL's now): quiet from an hour ago
    # to two hours from now, on the user's wall clock.
    user.time_zone = "Asia/Tokyo"
    user.save()
    local = timezone.now().astimezone(ZoneInfo("Asia/Tokyo")).replace(second=0, microsecond=0)
    end = local + timedelta(hours=2)
    QuietHours.objects.create(owner=user, start=(local - timedelta(hours=1)).time(), end=end.time())
    system_alert_broadcast(message="Maintenance tonight", users=[user])

    run_worker()

    [delivery] = Delivery.objects.all()
    assert (delivery.status, delivery.held_until) == (DeliveryStatus.HELD, end)
    # The job deferred from inside the worker committed with the "held" mark.
    assert list(jobs().values_list("status", "scheduled_at")) == [("succeeded", None), ("todo", end)]
    assert smtp_server.messages == []


def test_a_mail_server_that_is_down_is_retried_and_recorded_then_failed_after_the_last_attempt(user, smtp_server):
    # The real clock: procrastinate schedules the retry from Python's now, PostgreSQL runs it from its own.
    smtp_server.controller.stop()
    system_alert_broadcast(message="Maintenance tonight", users=[user])

    run_worker()

    [delivery] = Delivery.objects.all()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "Connection refused" in delivery.last_error or "ConnectionRefusedError" in delivery.last_error
    [job] = jobs()
    assert (job.status, job.attempts) == ("todo", 1)  # retried later, with backoff

    # The last attempt: the job as procrastinate leaves it after its retries, due now.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET attempts = %s, scheduled_at = now() WHERE id = %s",
                       [DELIVERY_RETRY.max_attempts, job.pk])
    run_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    job.refresh_from_db()
    assert job.status == "failed"
    assert smtp_server.messages == []


def test_the_job_of_a_worker_that_died_mid_delivery_is_run_again_and_sent_once(user, user_factory, smtp_server):
    other = user_factory()
    system_alert_broadcast(message="Maintenance tonight", users=[user, other])
    [dispatch_job] = jobs("notifications.dispatch")
    dispatch(**dispatch_job.args)  # what the worker would do (the job itself stays to do: run later, it adds nothing)
    mine, theirs = (Delivery.objects.get(owner=u) for u in (user, other))
    job, busy = (next(j for j in jobs() if j.args == {"delivery_id": d.pk}) for d in (mine, theirs))
    # A worker took a job, then died (SIGKILL: no heartbeat since, and its transaction rolled
    # back, so the delivery is still pending); another, alive (a heartbeat just now), is sending one.
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO procrastinate_workers (last_heartbeat) VALUES "
                       "(now() - %s * interval '1 second'), (now()) RETURNING id", [STALLED_AFTER_SECONDS + 5])
        dead, alive = (row[0] for row in cursor.fetchall())
        for worker_id, job_id in ((dead, job.pk), (alive, busy.pk)):
            cursor.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
                           [worker_id, job_id])
    run_worker()
    assert smtp_server.messages == []  # the job stays the dead worker's until it is found stalled

    # The sweep, as the periodic deferrer defers it every minute (it may have this minute's already).
    with contextlib.suppress(AlreadyEnqueued):
        retry_stalled_jobs.defer(timestamp=int(timezone.now().timestamp()))
    run_worker(queues=["periodic"])
    assert {sweep.status for sweep in jobs("notifications.retry_stalled_jobs")} == {"succeeded"}
    job.refresh_from_db()
    busy.refresh_from_db()
    assert (job.status, job.attempts, busy.status) == ("todo", 1, "doing")  # the live worker's job is left alone

    run_worker()
    [message] = smtp_server.messages
    assert message["X-BankDash-Delivery"] == mine.idempotency_key
    mine.refresh_from_db()
    assert (mine.status, mine.attempts) == (DeliveryStatus.SENT, 1)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert Delivery.objects.count() == 2  # the dispatch job run meanwhile added nothing
