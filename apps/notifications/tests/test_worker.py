"""The real worker (procrastinate, run in-process) sends through a real SMTP server."""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from apps.alerts.models import Alert
from apps.alerts.services import system_alert_broadcast
from apps.notifications.models import Delivery, DeliveryStatus, NotificationPreference, QuietHours
from apps.notifications.tasks import DELIVERY_RETRY, deliver
from tests.clock import TODAY
from tests.factories import account, budget, expense

from .conftest import jobs, run_worker

# The worker runs jobs in threads of its own, with their own connections: committed data.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.usefixtures("empty_queue")]


@pytest.mark.usefixtures("frozen_now")
def test_an_expense_over_budget_is_emailed_once_with_its_unsubscribe_link(user, smtp_server, client):
    checking = account(user, opening="1000.00")
    budget(user, limit="100.00")
    expense(checking, "150.00", on=TODAY)
    [alert] = Alert.objects.filter(owner=user)
    [delivery] = Delivery.objects.all()

    run_worker()

    [message] = smtp_server.messages
    assert message["To"] == user.email
    assert message["Subject"] == "BankDash: Budget exceeded"
    assert message["Message-ID"] == f"<alert-{alert.pk}-email@127.0.0.1>"
    assert message["X-BankDash-Delivery"] == f"alert-{alert.pk}-email"
    body = message.get_content()
    assert alert.message in body
    assert "You have exceeded your monthly" in body
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

    # The same delivery's job run again (a retry, a duplicate) sends nothing more.
    deliver.defer(delivery_id=delivery.pk)
    run_worker()
    assert len(smtp_server.messages) == 1
    assert list(jobs().values_list("status", flat=True)) == ["succeeded", "succeeded"]


def test_in_quiet_hours_the_worker_holds_the_delivery_and_defers_it_to_their_end(user, smtp_server):
    # The real clock (the held job's time is compared with PostgreSQL's now): quiet from an hour ago
    # to two hours from now, on the user's wall clock.
    user.time_zone = "Asia/Tokyo"
    user.save()
    local = timezone.now().astimezone(ZoneInfo("Asia/Tokyo")).replace(second=0, microsecond=0)
    end = local + timedelta(hours=2)
    QuietHours.objects.create(owner=user, start=(local - timedelta(hours=1)).time(), end=end.time())
    system_alert_broadcast(message="Maintenance tonight", users=[user])
    [delivery] = Delivery.objects.all()

    run_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.held_until) == (DeliveryStatus.HELD, end)
    # The job deferred from inside the worker committed with the "held" mark.
    assert list(jobs().values_list("status", "scheduled_at")) == [("succeeded", None), ("todo", end)]
    assert smtp_server.messages == []


def test_a_mail_server_that_is_down_is_retried_and_recorded_then_failed_after_the_last_attempt(user, smtp_server):
    # The real clock: procrastinate schedules the retry from Python's now, PostgreSQL runs it from its own.
    smtp_server.controller.stop()
    system_alert_broadcast(message="Maintenance tonight", users=[user])
    [delivery] = Delivery.objects.all()

    run_worker()

    delivery.refresh_from_db()
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
