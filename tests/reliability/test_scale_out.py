"""Scale-out, proved (issue 15, point 6): several web servers and several workers on one
PostgreSQL (and Redis when REDIS_URL is set).

Real processes against the test database (tests/helpers.database_url): gunicorn servers and
``manage.py procrastinate worker`` processes in production settings, configured only through
the environment, with one SECRET_KEY; email to an aiosmtpd server started here. The SMTP
server can hold its reply to the first message (DATA received, no "250" yet): the worker
sending it is then killed with SIGKILL, the server sees the connection cut before its reply (the
message was not accepted), and the job must be found stalled (no heartbeat from its worker),
run again by the other worker and accepted once.

- full tier: two gunicorn servers and two workers; customers log in on one server and post
  expenses alternately through both (one session: what a load balancer does); the stalled job
  is found by the periodic sweep on its own (heartbeat silence, then the next minute's tick).
- default tier: two workers and no web server; the alerts are raised here; the dead worker's
  heartbeat is aged and the sweep deferred by the test instead of waited for (< 20 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.exceptions import AlreadyEnqueued

from apps.alerts.models import Alert
from apps.alerts.services import system_alert_broadcast
from apps.budgets.models import Budget
from apps.notifications.models import Delivery, DeliveryStatus
from apps.notifications.tasks import STALLED_AFTER_SECONDS, retry_stalled_jobs
from apps.transactions.models import Category, Transaction
from apps.transactions.services import account_open
from tests.hardening.servers import REPO, Gunicorn, free_port, log_tail, manage, new_secret_key, production_env
from tests.hardening.webclient import fresh_ip, login
from tests.helpers import database_url, empty_job_queue

from .invariants import ledger_problems, recalculate_balances_check

PYTHON = REPO / ".venv" / "bin" / "python" if (REPO / ".venv" / "bin" / "python").exists() else Path("python3")
PASSWORD = "Scale-Out-Horse-Battery-915"
SITE = "bankdash.test"


# ---------------------------------------------------------------------------
# An SMTP server that can hold its reply to the first message
# ---------------------------------------------------------------------------

class HoldingInbox:
    """aiosmtpd handler: every message accepted is kept with its envelope sender. With
    ``hold_first``, the reply to the first message waits until ``release`` is set; if the
    client goes away meanwhile (aiosmtpd cancels the handler on EOF) the message is not
    accepted and its delivery key is recorded in ``cut_off``."""

    def __init__(self, *, hold_first: bool):
        self.accepted: list[tuple[str, email.message.EmailMessage]] = []
        self.cut_off: list[str] = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.held_from: str | None = None
        self.held_key: str | None = None
        self._hold = hold_first

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self._hold:
            self._hold = False
            self.held_from, self.held_key = envelope.mail_from, message["X-BankDash-Delivery"]
            self.held.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:  # the sender vanished before our "250": not accepted
                self.cut_off.append(self.held_key)
                raise
        self.accepted.append((envelope.mail_from, message))
        return "250 Message accepted for delivery"

    def keys(self) -> Counter:
        return Counter(str(message["X-BankDash-Delivery"]) for _, message in self.accepted)


@pytest.fixture
def inbox():
    handler = HoldingInbox(hold_first=True)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    handler.release.set()
    controller.stop()


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------

def wait_for(condition, *, timeout: float, every: float = 0.2, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s: {what}")


def query(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


class Workers:
    """``manage.py procrastinate worker`` processes (the Procfile's ``worker:``), each sending
    from its own address so the SMTP server knows which one is sending. Stopped by their pids."""

    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir = env, log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.killed: list[str] = []

    def start(self, name: str) -> None:
        log = open(self.log_dir / f"worker-{name}.log", "ab")  # noqa: SIM115 (the child writes to it)
        self.processes[name] = subprocess.Popen(
            [str(PYTHON), "manage.py", "procrastinate", "worker"], cwd=REPO, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT,
            env={**self.env, "DEFAULT_FROM_EMAIL": f"BankDash <{self.address(name)}>"})
        log.close()

    @staticmethod
    def address(name: str) -> str:
        return f"worker-{name}@{SITE}"

    def name_of(self, address: str) -> str:
        return next(name for name in self.processes if self.address(name) == address)

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.killed.append(name)

    def alive(self) -> int:
        return sum(process.poll() is None for process in self.processes.values())

    def logs(self) -> str:
        return "\n".join(f"--- worker {name}:\n{log_tail(self.log_dir / f'worker-{name}.log', 30)}"
                         for name in self.processes)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the worker finishes its job, then exits
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def app_env(inbox: HoldingInbox, secret_key: str) -> dict:
    """What every web server and worker shares: the database, Redis (if any), the key, the site."""
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{inbox.port}", "EMAIL_TIMEOUT": "60", "SITE_URL": f"https://{SITE}"}
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    return production_env(database_url=database_url(), secret_key=secret_key, **extra)


@pytest.fixture
def queue(committed_db):
    """procrastinate's tables are not Django's (the suite's flush leaves them): emptied before and after."""
    empty_job_queue()
    yield
    empty_job_queue()


@pytest.fixture
def workers(queue, inbox, tmp_path):
    pool = Workers(app_env(inbox, new_secret_key()), tmp_path)
    yield pool
    inbox.release.set()
    pool.stop()


# ---------------------------------------------------------------------------
# What every run checks
# ---------------------------------------------------------------------------

def kill_the_sender_mid_delivery(inbox: HoldingInbox, workers: Workers) -> tuple[str, int]:
    """Wait for the held first message, SIGKILL the worker sending it, check the SMTP server
    saw it cut off. Returns its delivery key and its job's id."""
    try:
        wait_for(inbox.held.is_set, timeout=90, what="a first message reached the SMTP server")
    except AssertionError:
        raise AssertionError(workers.logs()) from None
    sender = workers.name_of(inbox.held_from)
    delivery = Delivery.objects.get(alert_id=int(inbox.held_key.split("-")[1]), channel="email")
    [(job_id, status)] = query("SELECT id, status FROM procrastinate_jobs WHERE task_name = 'notifications.deliver' "
                               "AND args->>'delivery_id' = %s", [str(delivery.pk)])
    assert status == "doing"
    workers.kill(sender)
    wait_for(lambda: inbox.cut_off == [inbox.held_key], timeout=15, what="the SMTP server saw the sender vanish")
    inbox.release.set()
    # The dead worker's transaction died with it: the delivery is not marked sent, its job stays "doing".
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert query("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id]) == [("doing",)]
    return inbox.held_key, job_id


def assert_delivered_exactly_once(inbox: HoldingInbox, owner_ids: list[int], *, killed_key: str) -> None:
    alerts = list(Alert.objects.filter(owner_id__in=owner_ids).values_list("pk", flat=True))
    deliveries = Delivery.objects.filter(owner_id__in=owner_ids)
    assert sorted(deliveries.values_list("alert_id", "channel")) == sorted((pk, "email") for pk in alerts)
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # Every alert reached the SMTP server once: one accepted message per delivery key and Message-ID.
    assert inbox.keys() == Counter({f"alert-{pk}-email": 1 for pk in alerts})
    message_ids = Counter(str(message["Message-ID"]) for _, message in inbox.accepted)
    assert message_ids == Counter({f"<alert-{pk}-email@{SITE}>": 1 for pk in alerts})
    # The killed attempt: cut off at the server, its job run again once, sent by the other worker.
    killed = deliveries.get(alert_id=int(killed_key.split("-")[1]))
    assert (killed.status, killed.attempts) == (DeliveryStatus.SENT, 1)  # the dead attempt's count rolled back
    [(status, attempts)] = query("SELECT status, attempts FROM procrastinate_jobs WHERE task_name = "
                                 "'notifications.deliver' AND args->>'delivery_id' = %s", [str(killed.pk)])
    assert (status, attempts) == ("succeeded", 2)  # the killed attempt, then the one that sent
    assert query("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'notifications.deliver'") == [
        (len(alerts),)]  # one deliver job per delivery, however many dispatch runs and workers


def assert_periodic_jobs_once_per_period() -> list[int]:
    """Each periodic task has one job per timestamp, however many workers deferred it; returns
    the sweep's timestamps."""
    names = {task.task.name for task in app.periodic_registry.periodic_tasks.values()}
    # The ticks the workers' deferrers let through, and the jobs with each tick's timestamp.
    rows = query("SELECT d.task_name, d.defer_timestamp, count(j.id) FROM procrastinate_periodic_defers d "
                 "LEFT JOIN procrastinate_jobs j ON j.task_name = d.task_name "
                 "AND (j.args->>'timestamp')::bigint = d.defer_timestamp GROUP BY 1, 2 ORDER BY 1, 2")
    # A starting worker defers each task's last tick if under 10 minutes old: the sweep's at least.
    assert {name for name, _, _ in rows} <= names, rows
    assert "notifications.retry_stalled_jobs" in {name for name, _, _ in rows}, rows
    assert all(count == 1 for _, _, count in rows), rows
    return [ts for name, ts, _ in rows if name == "notifications.retry_stalled_jobs"]


def wait_until_all_sent(owner_ids: list[int], workers: Workers, *, timeout: float) -> None:
    def done():
        pending = Delivery.objects.filter(owner_id__in=owner_ids).exclude(status=DeliveryStatus.SENT).exists()
        dispatches = query("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'notifications.dispatch' "
                           "AND status <> 'succeeded'")[0][0]
        return not pending and not dispatches and Delivery.objects.filter(owner_id__in=owner_ids).exists()

    try:
        wait_for(done, timeout=timeout, every=0.5, what="every delivery sent")
    except AssertionError:
        jobs = query("SELECT id, task_name, status, attempts, worker_id FROM procrastinate_jobs "
                     "WHERE status <> 'succeeded' ORDER BY id")
        raise AssertionError(f"not every delivery was sent within {timeout} s; jobs not done: {jobs}\n"
                             f"{workers.logs()}") from None


# ---------------------------------------------------------------------------
# Default tier: two workers, a worker killed mid-delivery
# ---------------------------------------------------------------------------

def test_two_workers_deliver_once_and_the_job_of_one_killed_mid_delivery_runs_again(committed_db, workers, inbox):
    customers = [committed_db.user(f"scale-{n}") for n in range(4)]
    ids = [u.pk for u in customers]
    workers.start("a")
    workers.start("b")
    wait_for(lambda: query("SELECT count(*) FROM procrastinate_workers")[0][0] == 2, timeout=60,
             what="two workers registered")

    system_alert_broadcast(message="Maintenance tonight from 02:00", users=customers)
    killed_key, job_id = kill_the_sender_mid_delivery(inbox, workers)
    assert workers.alive() == 1

    # Time passes for the dead worker (no heartbeat for longer than the sweep's limit), and the
    # sweep the periodic deferrer runs every minute is deferred now (or this minute's is waiting).
    query("UPDATE procrastinate_workers SET last_heartbeat = now() - %s * interval '1 second' WHERE id = "
          "(SELECT worker_id FROM procrastinate_jobs WHERE id = %s)", [STALLED_AFTER_SECONDS + 10, job_id])
    # Its timestamp is half past a minute: never one of the deferrer's ticks (each on a whole
    # minute), which the check below counts (a whole-minute "now" made two jobs of one tick).
    with contextlib.suppress(AlreadyEnqueued):
        retry_stalled_jobs.defer(timestamp=int(timezone.now().timestamp()) // 60 * 60 + 30)
    wait_until_all_sent(ids, workers, timeout=45)

    assert_delivered_exactly_once(inbox, ids, killed_key=killed_key)
    assert {workers.name_of(sender) for sender, _ in inbox.accepted} == {"a", "b"} - set(workers.killed)
    assert_periodic_jobs_once_per_period()


# ---------------------------------------------------------------------------
# Full tier: two gunicorn servers, two workers, postings through both
# ---------------------------------------------------------------------------

def post_expenses(client_a, client_b, *, account_id: int, category_id: int, amounts: list[str],
                  results: list) -> None:
    """Post each amount through server A and B in turn, with one session (the cookie jar is shared)."""
    path = "/transactions/expense/new/"
    for n, amount in enumerate(amounts):
        client = (client_a, client_b)[n % 2]
        page = client.get(f"{path}?account={account_id}")
        if page.status != 200:
            results.append((client.port, amount, f"GET {page.status}"))
            continue
        form = page.form("form_token")
        data = {**form.fields, "account": str(account_id), "category": str(category_id), "amount": amount,
                "description": f"scale-out {amount} via {client.port}"}
        response = client.post(path, data)
        results.append((client.port, amount, response.status, response.location))


@pytest.mark.full
@pytest.mark.timeout(600)
def test_two_servers_and_two_workers_keep_every_invariant_and_deliver_once(committed_db, workers, inbox, tmp_path):
    env = workers.env
    manage(env, "collectstatic", "--noinput", "-v", "0")  # production serves the hashed static files
    servers = [Gunicorn(name, env, log_dir=tmp_path, workers=2) for name in ("a", "b")]
    try:
        for name in ("a", "b"):
            workers.start(name)
        for server in servers:
            server.start()
        wait_for(lambda: query("SELECT count(*) FROM procrastinate_workers")[0][0] == 2, timeout=60,
                 what="two workers registered")

        food = Category.objects.get(owner__isnull=True, name="food")
        # Production's hasher (the test settings hash with MD5, which production does not read); once for all.
        hasher = PBKDF2PasswordHasher()
        password_hash = hasher.encode(PASSWORD, hasher.salt())
        customers, accounts = [], {}
        for n in range(6):
            user = committed_db.user(f"scale-web-{n}")
            user.password = password_hash
            user.save(update_fields=["password"])
            accounts[user.pk] = account_open(user=user, name="Checking", kind="checking", currency="USD",
                                             opening_balance=Decimal("1000.00"))
            Budget.objects.create(owner=user, category=food, limit=Decimal("100.00"), currency="USD",
                                  start_date=date(2000, 1, 1))
            customers.append(user)
        ids = [u.pk for u in customers]

        # Each customer signs in on one server and posts through both, all at once: 85.00 passes
        # the budget's 80% warning, 30.00 exceeds it, then two more raise nothing new.
        amounts = ["85.00", "30.00", "5.00", "5.00"]
        results: dict[int, list] = {u.pk: [] for u in customers}
        threads = []
        for n, user in enumerate(customers):
            first, second = servers[n % 2], servers[(n + 1) % 2]
            client_a = first.client(ip=fresh_ip())
            assert login(client_a, user.email, PASSWORD).logged_in
            client_b = second.client(ip=client_a.ip)
            client_b.cookies = client_a.cookies  # one browser behind a load balancer: one session, both servers
            threads.append(threading.Thread(target=post_expenses, args=(client_a, client_b), kwargs={
                "account_id": accounts[user.pk].pk, "category_id": food.pk, "amounts": amounts,
                "results": results[user.pk]}))
        for thread in threads:
            thread.start()
        killed_key, _ = kill_the_sender_mid_delivery(inbox, workers)
        [killed] = workers.killed
        workers.start(f"{killed}2")  # the killed one's replacement, as a process supervisor starts it
        for thread in threads:
            thread.join(timeout=120)

        for user in customers:
            account_id = accounts[user.pk].pk
            assert [r[2:] for r in results[user.pk]] == [(302, f"/accounts/{account_id}/")] * len(amounts), \
                results[user.pk]
            assert {r[0] for r in results[user.pk]} == {servers[0].port, servers[1].port}  # both servers served
        # The invariants: every posting once, balances equal the ledger, the checks green.
        spent = sum(Decimal(a) for a in amounts)
        for user in customers:
            rows = Transaction.objects.filter(owner=user, kind=Transaction.Kind.EXPENSE)
            assert sorted(rows.values_list("amount", flat=True)) == sorted(Decimal(a) for a in amounts)
            accounts[user.pk].refresh_from_db()
            assert accounts[user.pk].balance == Decimal("1000.00") - spent
        assert ledger_problems(ids) == []
        green, output = recalculate_balances_check()
        assert green, output
        kinds = Counter(Alert.objects.filter(owner_id__in=ids).values_list("kind", flat=True))
        assert kinds[Alert.Kind.BUDGET_WARNING] == kinds[Alert.Kind.BUDGET_EXCEEDED] == len(customers)

        # The killed worker's job: found stalled by the periodic sweep (its heartbeat stopped;
        # the sweep runs every minute) and sent once by a live worker. Three sweeps' time: under
        # the whole suite's load on 2 cores one sweep can come late (the CI run of 5450489 still
        # had the job 'doing' at 150 s; alone, the test passed in 81 s). Waiting ends at the send.
        wait_until_all_sent(ids, workers, timeout=STALLED_AFTER_SECONDS + 3 * 60 + 60)
        assert_delivered_exactly_once(inbox, ids, killed_key=killed_key)
        senders = {workers.name_of(sender) for sender, _ in inbox.accepted}
        assert senders and killed not in senders, senders
        sweeps = assert_periodic_jobs_once_per_period()
        assert sweeps, "the stalled-jobs sweep never ran"
    finally:
        for server in servers:
            server.stop()
