"""Notifications benchmark (issue 15): does a posting wait for its channels, and how fast do
workers drain a burst?

    .venv/bin/python bench/notify.py                         # 5 rounds x 100 postings per side, a burst of 10,000
    .venv/bin/python bench/notify.py --rounds 3 --postings 30 --burst 1000 --workers 1   # quicker

1. **Posting latency, 0 vs 3 channels.** Customers each with a 100.00 monthly budget post one
   150.00 expense through the ledger service (``expense_post``): the budget check raises a
   "budget exceeded" alert. Half of them have no channel for that kind (email turned off, no
   browser, no webhook); the other half have all three: email on, a push subscription row and a
   webhook row, each kind switched on. The two sides take turns posting by posting (the order
   swapped every pair) in ``--rounds`` rounds, so a busy moment slows both alike; each round's
   medians give the difference, and the spread of that difference over the rounds is the noise.
   The posting itself defers one ``dispatch`` job either way; after the rounds the dispatch is
   run once (in this process) to check what the worker would create for each side.
2. **Burst**: one system alert to ``--burst`` customers (one transaction: the alerts and one
   dispatch job), the dispatch job (run here: the Delivery rows and their ``deliver`` jobs), then
   ``--workers`` real worker processes (``manage.py procrastinate worker --one-shot``, the
   Procfile's worker, concurrency 1 each) send them through Django's SMTP backend to an aiosmtpd
   server in this process until the queue is empty. Baseline in the same run: the same channel
   sending 1,000 of those deliveries one after another with no queue (``EmailChannel.send``).

It uses its own database (``bankdash_bench_notify`` unless BENCH_DATABASE_NAME says otherwise,
see bench/settings.py), dropped and recreated on every run.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_notify")

from bench.run import recreate_database  # noqa: E402  (sets the settings module)


class Sink:
    """An SMTP server's handler that counts what it accepts."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def customers(prefix: str, n: int):
    from apps.users.models import User

    return User.objects.bulk_create([User(email=f"{prefix}{i}@example.com", display_name=f"{prefix} {i}",
                                          password="!") for i in range(n)], batch_size=1000)


def three_channels(users) -> None:
    """Email, a browser and a webhook for every user, each on for "budget exceeded"."""
    from apps.alerts.models import Alert
    from apps.notifications.models import NotificationPreference, PushSubscription, Webhook

    PushSubscription.objects.bulk_create([PushSubscription(
        owner=u, endpoint=f"https://push.example.com/send/{u.pk}", p256dh="B" + "A" * 86, auth="A" * 22,
        user_agent="bench") for u in users])
    Webhook.objects.bulk_create([Webhook(owner=u, url=f"http://127.0.0.1:9/hooks/{u.pk}", secret="bench-secret")
                                 for u in users])
    NotificationPreference.objects.bulk_create([
        NotificationPreference(owner=u, kind=Alert.Kind.BUDGET_EXCEEDED, channel=channel, enabled=True)
        for u in users for channel in ("email", "push", "webhook")])


def no_channel(users) -> None:
    from apps.alerts.models import Alert
    from apps.notifications.models import NotificationPreference

    NotificationPreference.objects.bulk_create([NotificationPreference(
        owner=u, kind=Alert.Kind.BUDGET_EXCEEDED, channel="email", enabled=False) for u in users])


def clear_queue() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events CASCADE")


def posting_latency(rounds: int, n: int) -> dict:
    """Per round, the timings (seconds) of each side: {"none": [[...], ...], "three": [[...], ...]}."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from apps.alerts.models import Alert
    from apps.budgets.models import Budget
    from apps.notifications.tasks import dispatch
    from apps.transactions import services
    from apps.transactions.models import Category

    food = Category.objects.get(owner__isnull=True, name="food")
    none, three = customers("none", rounds * n), customers("three", rounds * n)
    no_channel(none)
    three_channels(three)
    accounts = {}
    for user in none + three:
        accounts[user.pk] = services.account_open(user=user, name="Checking", kind="checking", currency="USD",
                                                  opening_balance=Decimal("100000.00"))
        Budget.objects.create(owner=user, category=food, limit=Decimal("100.00"), currency="USD",
                              start_date=accounts[user.pk].opened_on.replace(day=1))
    timings = {"none": [], "three": []}
    for r in range(rounds):
        for side in timings:
            timings[side].append([])
        for i in range(r * n, (r + 1) * n):
            pair = [("none", none[i]), ("three", three[i])]
            for side, user in pair if i % 2 == 0 else reversed(pair):
                started = time.perf_counter()
                services.expense_post(user=user, account_id=accounts[user.pk].pk, amount=Decimal("150.00"),
                                      category=food, occurred_on=accounts[user.pk].opened_on)
                timings[side][-1].append(time.perf_counter() - started)
    alerts = Alert.objects.filter(kind=Alert.Kind.BUDGET_EXCEEDED).count()
    jobs = ProcrastinateJob.objects.filter(task_name="notifications.dispatch")
    if alerts != 2 * rounds * n or jobs.count() != 2 * rounds * n:
        raise RuntimeError(f"expected {2 * rounds * n} alerts and dispatch jobs, got {alerts} and {jobs.count()}")
    created = {"none": 0, "three": 0}
    three_ids = {u.pk for u in three}
    for job in jobs:  # what the worker's dispatch would create, per side
        owner = Alert.objects.get(pk=job.args["alert_ids"][0]).owner_id
        created["three" if owner in three_ids else "none"] += dispatch(**job.args)
    clear_queue()  # nothing from here is sent (the webhooks and browsers are not real)
    return {"timings": timings, "created": created}


def run_workers(count: int, email_port: int) -> float:
    """``count`` worker processes (the Procfile's command, --one-shot: each exits when the queue
    is empty); returns the seconds until the last one exited."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_NAME": db["NAME"],
           "EMAIL_URL": f"smtp://127.0.0.1:{email_port}"}
    env.pop("EMAIL_BACKEND", None)
    started = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "manage.py", "procrastinate", "worker", "--one-shot",
                                 "--queues", "notifications"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
               for _ in range(count)]
    for worker in workers:
        if worker.wait(timeout=3600) != 0:
            raise RuntimeError(f"worker {worker.pid} exited with {worker.returncode}")
    return time.perf_counter() - started


def burst(n: int, workers: int, sink: Sink, email_port: int) -> dict:
    from procrastinate.contrib.django.models import ProcrastinateJob

    from apps.alerts.services import system_alert_broadcast
    from apps.notifications.channels import CHANNELS
    from apps.notifications.models import Delivery
    from apps.notifications.tasks import dispatch

    users = customers(f"burst{workers}-", n)
    started = time.perf_counter()
    system_alert_broadcast(message="BankDash will be down for maintenance tonight from 02:00 to 03:00.", users=users)
    raised = time.perf_counter() - started
    [job] = ProcrastinateJob.objects.filter(task_name="notifications.dispatch", status="todo")
    started = time.perf_counter()
    created = dispatch(**job.args)
    dispatched = time.perf_counter() - started
    ProcrastinateJob.objects.filter(pk=job.pk).delete()  # done (here, not by a worker)
    if created != n:
        raise RuntimeError(f"the dispatch created {created} deliveries, not {n}")
    deliveries = Delivery.objects.filter(owner__in=users, status="pending")
    # Baseline: the channel alone, one message after another, no queue (these are then sent again by the workers).
    sample = list(deliveries.select_related("alert", "owner")[:1000])
    before = sink.count
    started = time.perf_counter()
    for delivery in sample:
        CHANNELS["email"].send(delivery)
    direct = time.perf_counter() - started
    assert sink.count - before == len(sample)
    before = sink.count
    worker_s = run_workers(workers, email_port)
    sent = Delivery.objects.filter(owner__in=users, status="sent").count()
    if sent != n or sink.count - before != n:
        raise RuntimeError(f"sent {sent} of {n} deliveries, the SMTP server got {sink.count - before}")
    return {"raised_s": raised, "dispatch_s": dispatched, "direct_per_s": len(sample) / direct,
            "worker_s": worker_s, "worker_per_s": n / worker_s}


def ms(values) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of postings (each side takes turns)")
    parser.add_argument("--postings", type=int, default=100, help="postings per side per round")
    parser.add_argument("--burst", type=int, default=10_000, help="notifications in the burst (0: no burst)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker processes, a burst each")
    args = parser.parse_args()

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command

    recreate_database()
    call_command("migrate", verbosity=0)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    try:
        result = posting_latency(args.rounds, args.postings)
        timings = result["timings"]
        print(f"posting that raises an alert, {args.rounds} rounds x {args.postings} postings per side:")
        print("  round   0 channels   3 channels   difference (ms, medians)")
        differences = []
        for r in range(args.rounds):
            none, three = ms(timings["none"][r]), ms(timings["three"][r])
            differences.append(three - none)
            print(f"  {r + 1:5d}   {none:8.2f}     {three:8.2f}     {three - none:+6.2f}")
        everything = {side: [t for rnd in rounds for t in rnd] for side, rounds in timings.items()}
        for side, label in (("none", "0 channels"), ("three", "3 channels")):
            q = statistics.quantiles(everything[side], n=4)
            print(f"  all {label}: median {ms(everything[side]):.2f} ms (quartiles {q[0] * 1000:.2f}-"
                  f"{q[2] * 1000:.2f})")
        print(f"  difference 3 - 0: median of rounds {statistics.median(differences):+.2f} ms, "
              f"rounds from {min(differences):+.2f} to {max(differences):+.2f} ms")
        print(f"  the dispatch then created {result['created']['none']} deliveries for the 0-channel side and "
              f"{result['created']['three']} for the 3-channel side")
        for workers in args.workers if args.burst else []:
            r = burst(args.burst, workers, sink, controller.port)
            print(f"burst of {args.burst:,} ({workers} worker process{'es' if workers > 1 else ''}): "
                  f"raised in {r['raised_s']:.2f} s; dispatched in {r['dispatch_s']:.2f} s; "
                  f"workers sent all in {r['worker_s']:.1f} s = {r['worker_per_s']:.0f}/s; "
                  f"the channel alone {r['direct_per_s']:.0f}/s")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
