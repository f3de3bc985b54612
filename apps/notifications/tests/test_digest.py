"""The email digest: its figures (read through the pages' selectors, in a fixed number of
queries), the email, when it is due (once per customer and local day, or Monday, however many
workers claim it), quiet hours, the unsubscribe link and the settings form."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django import app

from apps.alerts.services import system_alert_broadcast
from apps.bills.services import recurring_create
from apps.notifications import tasks
from apps.notifications.digest import DigestFailed, digest_figures, digest_send, digests_due
from apps.notifications.models import DeliveryStatus, DigestFrequency, DigestPreference, DigestSend, QuietHours
from apps.notifications.tokens import digest_unsubscribe_token, unsubscribe_token
from tests.clock import NOW, TODAY
from tests.factories import account, budget, default_category, expense

from .conftest import jobs, run_worker

D = Decimal
MONDAY = TODAY  # 15 December 2025
TUESDAY = MONDAY + timedelta(days=1)


def picture(user):
    """Two currencies, two budgets (food exceeded; a food expense in euros is not in the USD
    budget), rent due in three days that takes Checking below zero, a phone bill in nine days
    on the euro account (in a weekly digest's two weeks, not in a daily one's week)."""
    checking = account(user, "Checking", opening="1000.00")
    account(user, "Savings", opening="500.00")
    euro = account(user, "Euro account", opening="300.00", currency="EUR")
    budget(user, "food", "100.00")
    budget(user, "transport", "200.00")
    expense(checking, "150.00", on=TODAY)
    expense(checking, "40.00", on=TODAY, category="transport")
    expense(euro, "20.00", on=TODAY)
    recurring_create(user=user, name="Rent", amount=D("850.00"), account_id=checking.pk,
                     starts_on=date(2025, 12, 18), category=default_category("rent"))
    recurring_create(user=user, name="Phone", amount=D("45.00"), account_id=euro.pk,
                     starts_on=date(2025, 12, 24), category=default_category("utilities"))
    return checking, euro


def wants(user, frequency):
    DigestPreference.objects.update_or_create(owner=user, defaults={"frequency": frequency})


def at(local: str, zone: str = "UTC") -> datetime:
    """An instant from the wall clock of ``zone`` ("2025-12-15 07:00")."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def claims():
    return list(DigestSend.objects.order_by("owner_id", "period_start")
                .values_list("owner__email", "frequency", "period_start"))


# ---------------------------------------------------------------------------
# The figures and the email
# ---------------------------------------------------------------------------

@pytest.mark.usefixtures("frozen_now")
def test_the_figures_are_exact_per_currency_and_in_a_fixed_number_of_queries(user, django_assert_num_queries):
    picture(user)
    with django_assert_num_queries(7):
        daily = digest_figures(user=user, today=TODAY, frequency=DigestFrequency.DAILY)

    assert [(a["name"], a["currency"], a["balance"]) for a in daily["accounts"]] == [
        ("Checking", "USD", D("810.00")), ("Euro account", "EUR", D("280.00")), ("Savings", "USD", D("500.00"))]
    # Per currency, the default one first; never one sum of dollars and euros.
    assert daily["totals"] == [{"currency": "USD", "total": D("1310.00"), "accounts": 2},
                               {"currency": "EUR", "total": D("280.00"), "accounts": 1}]
    assert [(b["category"], b["currency"], b["limit"], b["spent"], b["remaining"], b["exceeded"])
            for b in daily["budgets"]] == [("food", "USD", D("100.00"), D("150.00"), D("-50.00"), True),
                                           ("transport", "USD", D("200.00"), D("40.00"), D("160.00"), False)]
    assert daily["bills_until"] == date(2025, 12, 22)
    assert [(b["name"], b["amount"], b["currency"], b["due_on"]) for b in daily["bills"]] == [
        ("Rent", D("850.00"), "USD", date(2025, 12, 18))]
    assert [(f["account"], f["balance"], f["currency"], f["on"], f["below_buffer"]) for f in daily["forecast"]] == [
        ("Checking", D("-40.00"), "USD", date(2025, 12, 18), True),
        ("Euro account", D("235.00"), "EUR", date(2025, 12, 24), False)]
    assert daily["alerts"] == {"unread": 1, "by_kind": [{"kind": "budget_exceeded", "label": "Budget exceeded",
                                                         "count": 1}]}

    weekly = digest_figures(user=user, today=TODAY, frequency=DigestFrequency.WEEKLY)
    assert [(b["name"], b["due_on"]) for b in weekly["bills"]] == [("Rent", date(2025, 12, 18)),
                                                                    ("Phone", date(2025, 12, 24))]

    # More accounts, budgets, bills and alerts: the same number of queries.
    more = account(user, "Joint", opening="50.00")
    budget(user, "health", "30.00")
    recurring_create(user=user, name="Gym", amount=D("20.00"), account_id=more.pk, starts_on=date(2025, 12, 16),
                     category=default_category("health"))
    system_alert_broadcast(message="Maintenance tonight", users=[user])
    with django_assert_num_queries(7):
        assert len(digest_figures(user=user, today=TODAY)["bills"]) == 2


@pytest.mark.usefixtures("frozen_now")
def test_the_email_shows_the_figures_formatted_with_their_currency(user, smtp_server):
    picture(user)
    wants(user, DigestFrequency.DAILY)
    [claimed] = digests_due(now=NOW)

    assert digest_send(digest_send_id=claimed, now=NOW) == "sent"

    [message] = smtp_server.messages
    assert message["To"] == user.email
    assert message["Subject"] == "BankDash: your daily money picture, Dec 15, 2025"
    assert message["Message-ID"] == f"<digest-{user.pk}-daily-2025-12-15@127.0.0.1>"
    text = message.get_body(("plain",)).get_content()
    for line in ("  Checking: 810.00 USD", "  Euro account: 280.00 EUR", "  Savings: 500.00 USD",
                 "  Total in USD: 1,310.00 USD (2 accounts)", "  Total in EUR: 280.00 EUR (1 account)",
                 "  Food (monthly): spent 150.00 USD of 100.00 USD, EXCEEDED by 50.00 USD",
                 "  Transport (monthly): spent 40.00 USD of 200.00 USD, 160.00 USD left",
                 "BILLS DUE BY MON, DEC 22, 2025", "  Thu, Dec 18, 2025: Rent, 850.00 USD from Checking",
                 "  Checking: \u221240.00 USD on Thu, Dec 18, 2025 (below the 0.00 USD you want to keep)",
                 "  Euro account: 235.00 EUR on Wed, Dec 24, 2025", "  1 unread: Budget exceeded 1"):
        assert line in text.splitlines(), line
    assert "Phone" not in text  # nine days away: in the weekly digest only
    unsubscribe_url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert f"Stop the digest (no login needed): {unsubscribe_url}" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(("html",)).get_content()
    assert "<strong>Exceeded by 50.00 USD</strong>" in html and "\u221240.00 USD on Thu, Dec 18, 2025" in html
    sent = DigestSend.objects.get()
    assert (sent.status, sent.attempts, sent.sent_at is not None) == (DeliveryStatus.SENT, 1, True)
    # Run again (a retried job): nothing more is sent.
    assert digest_send(digest_send_id=claimed, now=NOW) == "already sent"
    assert len(smtp_server.messages) == 1


@pytest.mark.usefixtures("frozen_now")
def test_a_mail_server_down_is_recorded_and_raised_for_the_retry(user, smtp_server):
    wants(user, DigestFrequency.DAILY)
    [claimed] = digests_due(now=NOW)
    smtp_server.controller.stop()
    with pytest.raises(DigestFailed):
        digest_send(digest_send_id=claimed, now=NOW)
    row = DigestSend.objects.get()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert "Connection refused" in row.last_error or "ConnectionRefusedError" in row.last_error
    with pytest.raises(DigestFailed):
        digest_send(digest_send_id=claimed, now=NOW, final_attempt=True)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)


# ---------------------------------------------------------------------------
# When it is due
# ---------------------------------------------------------------------------

def test_daily_every_local_day_from_seven_and_weekly_on_monday_only(user_factory):
    daily, weekly = user_factory(email="daily@example.com"), user_factory(email="weekly@example.com")
    off, none = user_factory(email="off@example.com"), user_factory(email="none@example.com")
    wants(daily, DigestFrequency.DAILY)
    wants(weekly, DigestFrequency.WEEKLY)
    wants(off, DigestFrequency.OFF)
    assert none and digests_due(now=at("2025-12-15 06:59")) == []
    assert len(digests_due(now=at("2025-12-15 07:00"))) == 2
    assert digests_due(now=at("2025-12-15 23:45")) == []  # the same day: claimed already
    assert len(digests_due(now=at("2025-12-16 07:00"))) == 1  # Tuesday: the daily one only
    for day in range(17, 22):  # Wednesday to Sunday
        digests_due(now=at(f"2025-12-{day} 09:00"))
    assert len(digests_due(now=at("2025-12-22 07:15"))) == 2
    assert claims() == [("daily@example.com", "daily", date(2025, 12, d)) for d in range(15, 23)] + [
        ("weekly@example.com", "weekly", date(2025, 12, 15)), ("weekly@example.com", "weekly", date(2025, 12, 22))]


def test_a_customer_in_auckland_gets_theirs_at_their_seven(user_factory):
    auckland = user_factory(email="auckland@example.com", time_zone="Pacific/Auckland")
    auckland_weekly = user_factory(email="auckland-weekly@example.com", time_zone="Pacific/Auckland")
    london = user_factory(email="london@example.com", time_zone="Europe/London")
    wants(auckland, DigestFrequency.DAILY)
    wants(auckland_weekly, DigestFrequency.WEEKLY)
    wants(london, DigestFrequency.DAILY)
    # Sunday 14 December 17:45 UTC is Monday 06:45 in Auckland (UTC+13) and 17:45 in London.
    assert at("2025-12-15 07:00", "Pacific/Auckland") == datetime(2025, 12, 14, 18, 0, tzinfo=UTC)
    digests_due(now=datetime(2025, 12, 14, 17, 45, tzinfo=UTC))
    assert claims() == [("london@example.com", "daily", date(2025, 12, 14))]
    digests_due(now=datetime(2025, 12, 14, 18, 0, tzinfo=UTC))
    assert claims() == [("auckland@example.com", "daily", date(2025, 12, 15)),
                        ("auckland-weekly@example.com", "weekly", date(2025, 12, 15)),
                        ("london@example.com", "daily", date(2025, 12, 14))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_two_workers_claiming_at_the_same_moment_claim_once(user_factory):
    user = user_factory()
    wants(user, DigestFrequency.DAILY)
    now = at("2025-12-15 07:00")
    first_inserted, results = threading.Event(), {}

    def first():
        from django.db import transaction

        try:
            with transaction.atomic():
                results["first"] = digests_due(now=now)
                first_inserted.set()
                threading.Event().wait(0.5)  # the second one waits on the unique key meanwhile
        finally:
            first_inserted.set()
            connections.close_all()

    def second():
        try:
            first_inserted.wait(5)
            results["second"] = digests_due(now=now)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(results["first"]) == 1 and results["second"] == []
    assert DigestSend.objects.count() == 1
    assert list(jobs("notifications.send_digest").values_list("args", flat=True)) == [
        {"digest_send_id": results["first"][0]}]


# ---------------------------------------------------------------------------
# The real worker and SMTP server
# ---------------------------------------------------------------------------

def test_the_digest_jobs_are_registered():
    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic["notifications.send_digests"] == "*/15 * * * *"
    assert (tasks.send_digests.queue, tasks.send_digest.queue) == ("periodic", "notifications")
    assert tasks.send_digests.queueing_lock == "send_digests"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db", "frozen_now")
def test_the_worker_sends_the_daily_digest_once_and_its_link_unsubscribes_without_login(user, smtp_server,
                                                                                        client):
    account(user, "Checking", opening="1234.50")
    wants(user, DigestFrequency.DAILY)
    tick = int(NOW.timestamp())
    for timestamp in (tick, tick + 900):  # two ticks of the periodic job on the same day
        tasks.send_digests.defer(timestamp=timestamp)
        run_worker(("periodic",))
    # (The worker's own periodic deferrer may add a tick of its own: each ran, and claimed at most once.)
    assert set(jobs("notifications.send_digests").values_list("status", flat=True)) == {"succeeded"}
    assert jobs("notifications.send_digest").count() == 1

    run_worker(("notifications",))

    [message] = smtp_server.messages
    assert "  Total in USD: 1,234.50 USD (1 account)" in message.get_body(("plain",)).get_content().splitlines()
    assert DigestSend.objects.get().status == DeliveryStatus.SENT
    assert list(jobs("notifications.send_digest").values_list("status", flat=True)) == ["succeeded"]

    path = urlsplit(str(message["List-Unsubscribe"]).strip().strip("<>")).path
    confirm = client.get(path)
    assert confirm.status_code == 200 and "Stop the email digest?" in confirm.content.decode()
    assert DigestPreference.objects.get(owner=user).frequency == "daily"  # a GET changes nothing
    done = client.post(path)
    assert done.status_code == 200
    assert f"{user.email} will no longer get the email digest." in done.content.decode()
    assert DigestPreference.objects.get(owner=user).frequency == "off"
    # Turned off: the next day's tick claims nothing.
    assert digests_due(now=NOW + timedelta(days=1)) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_in_quiet_hours_the_worker_holds_the_digest_until_they_end(user, smtp_server):
    # The real clock (the held job's time is compared with PostgreSQL's now), as in test_worker.
    user.time_zone = "Asia/Tokyo"
    user.save()
    local = timezone.now().astimezone(ZoneInfo("Asia/Tokyo")).replace(second=0, microsecond=0)
    end = local + timedelta(hours=2)
    QuietHours.objects.create(owner=user, start=(local - timedelta(hours=1)).time(), end=end.time())
    wants(user, DigestFrequency.DAILY)
    row = DigestSend.objects.create(owner=user, frequency="daily", period_start=local.date())
    tasks.send_digest.defer(digest_send_id=row.pk)

    run_worker(("notifications",))

    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.HELD, 0)
    assert list(jobs("notifications.send_digest").values_list("status", "scheduled_at")) == [
        ("succeeded", None), ("todo", end)]
    assert smtp_server.messages == []
    # When the quiet hours end, the held job sends it.
    assert digest_send(digest_send_id=row.pk, now=end) == "sent"
    assert len(smtp_server.messages) == 1


# ---------------------------------------------------------------------------
# The settings and the unsubscribe link
# ---------------------------------------------------------------------------

@pytest.mark.usefixtures("frozen_now")
def test_the_settings_form_saves_with_a_message_and_shows_when_it_arrives(logged_in, user):
    page = logged_in.get(reverse("notifications:settings")).content.decode()
    assert "It arrives around 07:00 your time (UTC), on Mondays for the weekly one" in page
    assert 'name="frequency" id="id_frequency_0" value="off" checked' in page

    response = logged_in.post(reverse("notifications:digest"), {"frequency": "weekly"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("notifications:settings")
    html = response.content.decode()
    assert "You will get the email digest every Monday, around 07:00 your time." in html
    assert 'name="frequency" id="id_frequency_2" value="weekly" checked' in html
    assert DigestPreference.objects.get(owner=user).frequency == "weekly"


@pytest.mark.parametrize("data", [{"frequency": "hourly"}, {}])
def test_an_unknown_frequency_is_a_clear_error_and_nothing_is_saved(logged_in, user, data):
    response = logged_in.post(reverse("notifications:digest"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose how often: never, every day or every week." in html
    assert 'class="form-check-input is-invalid"' in html
    assert not DigestPreference.objects.exists()


def test_a_forged_or_altered_digest_link_is_refused(client, user):
    good = digest_unsubscribe_token(user_id=user.pk)
    alert_token = unsubscribe_token(user_id=user.pk, kind="bill_reminder", channel="email")  # another salt
    wants(user, DigestFrequency.DAILY)
    for token in (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), alert_token, "nonsense"):
        for method in (client.get, client.post):
            response = method(reverse("notifications:digest_unsubscribe", args=[token]))
            assert response.status_code == 400
            assert "This unsubscribe link is not valid." in response.content.decode()
    assert DigestPreference.objects.get(owner=user).frequency == "daily"


@pytest.mark.usefixtures("frozen_now")
def test_send_me_one_now_queues_a_preview_that_is_emailed(logged_in, user, smtp_server):
    account(user, "Checking", opening="12.00")
    response = logged_in.post(reverse("notifications:digest_preview"), follow=True)
    assert f"A digest is on its way to {user.email}." in response.content.decode()
    [job] = jobs("notifications.send_digest_preview")
    assert job.args["user_id"] == user.pk and job.queue_name == "notifications"

    assert tasks.send_digest_preview(**job.args) == "sent"  # what the worker runs (below, for real)

    [message] = smtp_server.messages
    assert message["Subject"] == "BankDash: your daily money picture, Dec 15, 2025 (preview)"
    assert message["Message-ID"] == f"<digest-preview-{user.pk}-{job.args['key']}@127.0.0.1>"
    assert "  Checking: 12.00 USD" in message.get_body(("plain",)).get_content().splitlines()
    assert not DigestSend.objects.exists()  # a preview claims no period


@pytest.mark.full
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db", "frozen_now")
def test_send_me_one_now_is_sent_by_the_worker(user, smtp_server, client):
    client.force_login(user)
    account(user, "Checking", opening="12.00")
    client.post(reverse("notifications:digest_preview"))

    run_worker(("notifications",))

    [message] = smtp_server.messages
    assert message["Subject"].endswith("(preview)")
    assert list(jobs("notifications.send_digest_preview").values_list("status", flat=True)) == ["succeeded"]
