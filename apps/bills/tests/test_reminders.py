"""Reminders before a bill is due and alerts once it is overdue: once per occurrence."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from apps.alerts.models import Alert
from apps.bills import services
from apps.bills.models import Occurrence
from tests.factories import UserFactory, account

from .conftest import TODAY, make_bill

pytestmark = pytest.mark.django_db
D = Decimal


def at(time_machine, day: date, hour: int = 12):
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def alerts(user, kind):
    return list(Alert.objects.filter(owner=user, kind=kind).order_by("pk").values_list("message", flat=True))


def test_a_reminder_comes_remind_days_before_and_only_once(user, checking, time_machine):
    make_bill(checking, starts_on=date(2025, 12, 20))  # remind 3 days before: from the 17th
    for day in (16,):
        at(time_machine, date(2025, 12, day))
        services.bill_reminders_send()
    assert alerts(user, "bill_reminder") == []
    for day in (17, 17, 18, 19, 20):
        at(time_machine, date(2025, 12, day))
        services.bill_reminders_send()
    assert alerts(user, "bill_reminder") == ["Rent (850.00 USD) is due on Dec 20, 2025 (in 3 days)."]
    at(time_machine, date(2026, 1, 17))
    services.bill_reminders_send()
    assert alerts(user, "bill_reminder")[1] == "Rent (850.00 USD) is due on Jan 20, 2026 (in 3 days)."


def test_an_autopay_bill_is_announced_and_never_overdue(user, checking, time_machine):
    make_bill(checking, autopay=True, starts_on=date(2025, 12, 16), remind_days=1, amount="90.00",
              amount_min=D("80.00"), amount_max=D("120.00"))
    services.bill_reminders_send()
    assert alerts(user, "bill_reminder") == [
        "Rent (about 90.00 USD (80.00–120.00)) will be paid automatically from Checking on Dec 16, 2025 (tomorrow)."]
    at(time_machine, date(2025, 12, 20))
    services.recurring_post_due()
    services.bill_reminders_send()
    assert alerts(user, "bill_overdue") == []


def test_an_overdue_bill_is_told_once_until_paid(user, checking, time_machine):
    bill = make_bill(checking, amount="30.00", remind_days=None, name="Phone")
    services.bill_reminders_send()
    assert Alert.objects.filter(owner=user).count() == 0  # due today, no reminder wanted
    for day in (16, 17, 17, 31):
        at(time_machine, date(2025, 12, day))
        services.bill_reminders_send()
    assert alerts(user, "bill_overdue") == [
        "Phone (30.00 USD) was due on Dec 15, 2025 and is not marked paid. Pay it, or mark it paid or skipped on "
        "the Bills page."]
    services.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, post=True)
    at(time_machine, date(2026, 1, 16))
    services.bill_reminders_send()
    services.bill_reminders_send()
    assert len(alerts(user, "bill_overdue")) == 2  # 15 Jan, once
    assert Occurrence.objects.get(item=bill, due_on=TODAY).state == "paid"


def test_paused_skipped_or_paid_bills_are_not_reminded(user, checking, time_machine):
    paused = make_bill(checking, name="Paused", starts_on=date(2025, 12, 16))
    services.recurring_pause(user=user, item_id=paused.pk)
    skipped = make_bill(checking, name="Skipped", starts_on=date(2025, 12, 16))
    services.occurrence_skip(user=user, item_id=skipped.pk, due_on=date(2025, 12, 16))
    paid = make_bill(checking, name="Paid", amount="1.00", starts_on=date(2025, 12, 16))
    services.occurrence_mark_paid(user=user, item_id=paid.pk, due_on=date(2025, 12, 16), post=True)
    at(time_machine, date(2025, 12, 20))
    services.bill_reminders_send()
    assert Alert.objects.filter(owner=user).count() == 0


def test_many_runs_at_once_remind_once(user, checking):
    user_id = user.pk
    make_bill(checking, starts_on=date(2025, 12, 17))
    make_bill(checking, name="Phone", starts_on=TODAY)  # due today: reminded today
    summary = services.RunSummary()
    for _ in range(5):
        services.bill_reminders_send(summary=summary)
    assert summary.reminders == 2
    assert Alert.objects.filter(owner_id=user_id, kind="bill_reminder").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reminder_runs_send_one_alert_per_occurrence():
    user = UserFactory()
    checking = account(user, opening="100.00")
    for i in range(5):
        make_bill(checking, name=f"Bill {i}", starts_on=date(2025, 12, 16))
        make_bill(checking, name=f"Late {i}", starts_on=TODAY, remind_days=None)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            services.bill_reminders_send(today=date(2025, 12, 16))
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Alert.objects.filter(owner=user, kind="bill_reminder").count() == 5
    assert Alert.objects.filter(owner=user, kind="bill_overdue").count() == 5


def test_bill_alerts_are_in_the_alert_list_and_the_badge(user, checking, client):
    make_bill(checking, starts_on=date(2025, 12, 16))
    services.bill_reminders_send()
    client.force_login(user)
    html = client.get(reverse("alerts:list")).content.decode()
    assert "Rent (850.00 USD) is due on Dec 16, 2025 (tomorrow)." in html
    assert "Bill reminder" in html
    assert 'id="alert-badge">1<' in html


def test_a_reminder_in_the_customers_time_zone(checking, time_machine):
    kiribati = UserFactory(time_zone="Pacific/Kiritimati")  # UTC+14: already the 16th at noon UTC
    make_bill(account(kiribati, opening="10.00"), starts_on=date(2025, 12, 16), remind_days=0)
    utc = UserFactory()
    make_bill(account(utc, opening="10.00"), starts_on=date(2025, 12, 16), remind_days=0)
    at(time_machine, date(2025, 12, 15), hour=12)
    services.bill_reminders_send()
    assert alerts(kiribati, "bill_reminder") == ["Rent (850.00 USD) is due on Dec 16, 2025 (today)."]
    assert alerts(utc, "bill_reminder") == []
