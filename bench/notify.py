"""Notifications benchmark (issue 15): does a posting wait for delivery, and can one worker take a burst?

    .venv/bin/python bench/notify.py                          # 200 postings per side, a burst of 10,000
    .venv/bin/python bench/notify.py --postings 50 --burst 1000 --concurrency 1 4   # quicker

1. **Posting latency**, email channel off vs on. Customers each with a 100.00 monthly budget post
   one 150.00 expense through the ledger service (``expense_post``): the budget check raises a
   "budget exceeded" alert. For half of them email is off for that kind (the alert only); for the
   other half it is on (the alert, its Delivery row and its ``deliver`` job, in the same
   transaction). The two kinds of posting take turns, so a busy moment slows both alike; the
   ratio of the medians (on / off) is the cost of the channel to the posting. Nothing is sent
   during a posting.
2. **Burst**: one system alert to ``--burst`` customers (one transaction: the alerts, their
   deliveries and jobs), then an in-process procrastinate worker (the management command's
   connector, ``--concurrency`` jobs at a time) sends them through Django's SMTP backend to a
   local aiosmtpd server until the queue is empty. Baseline in the same run: the same channel
   sending 1,000 of those deliveries one after another with no queue (``EmailChannel.send``).

It uses its own database (``bankdash_bench_notify`` unless BENCH_DATABASE_NAME says otherwise,
see bench/settings.py), dropped and recreated on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
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


def posting_latency(n: int) -> dict:
    from apps.alerts.models import Alert
    from apps.budgets.models import Budget
    from apps.notifications.models import Delivery, NotificationPreference
    from apps.transactions import services
    from apps.transactions.models import Category

    food = Category.objects.get(owner__isnull=True, name="food")
    off, on = customers("off", n), customers("on", n)
    NotificationPreference.objects.bulk_create([NotificationPreference(owner=u, kind=Alert.Kind.BUDGET_EXCEEDED,
                                                                       channel="email", enabled=False) for u in off])
    accounts = {}
    for user in off + on:
        accounts[user.pk] = services.account_open(user=user, name="Checking", kind="checking", currency="USD",
                                                  opening_balance=Decimal("100000.00"))
        Budget.objects.create(owner=user, category=food, limit=Decimal("100.00"), currency="USD",
                              start_date=accounts[user.pk].opened_on.replace(day=1))
    timings = {"off": [], "on": []}
    for i in range(n):
        pair = [("off", off[i]), ("on", on[i])]
        for side, user in pair if i % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            services.expense_post(user=user, account_id=accounts[user.pk].pk, amount=Decimal("150.00"),
                                  category=food, occurred_on=accounts[user.pk].opened_on)
            timings[side].append(time.perf_counter() - started)
    alerts = Alert.objects.filter(kind=Alert.Kind.BUDGET_EXCEEDED).count()
    if alerts != 2 * n or Delivery.objects.count() != n:
        raise RuntimeError(f"expected {2 * n} alerts and {n} deliveries, got {alerts} and {Delivery.objects.count()}")
    return timings


def run_worker(concurrency: int) -> None:
    from asgiref.sync import sync_to_async
    from django.db import connections
    from procrastinate.contrib.django import app

    async def work():
        async with app.open_async():
            await app.run_worker_async(queues=["notifications"], wait=False, concurrency=concurrency,
                                       install_signal_handlers=False, listen_notify=False)
        await sync_to_async(connections.close_all)()

    with app.replace_connector(app.connector.get_worker_connector()):
        asyncio.run(work())


def burst(n: int, concurrency: int, sink: Sink) -> dict:
    from apps.alerts.services import system_alert_broadcast
    from apps.notifications.channels import CHANNELS
    from apps.notifications.models import Delivery

    run_worker(concurrency)  # whatever an earlier step left in the queue (the postings' deliveries)
    users = customers(f"burst{concurrency}-", n)
    started = time.perf_counter()
    system_alert_broadcast(message="BankDash will be down for maintenance tonight from 02:00 to 03:00.", users=users)
    raised = time.perf_counter() - started
    deliveries = Delivery.objects.filter(owner__in=users, status="pending")
    # Baseline: the channel alone, one message after another, no queue (these are then sent again by the worker).
    sample = list(deliveries.select_related("alert", "owner")[:1000])
    before = sink.count
    started = time.perf_counter()
    for delivery in sample:
        CHANNELS["email"].send(delivery)
    direct = time.perf_counter() - started
    assert sink.count - before == len(sample)
    before = sink.count
    started = time.perf_counter()
    run_worker(concurrency)
    worker = time.perf_counter() - started
    sent = Delivery.objects.filter(owner__in=users, status="sent").count()
    if sent != n or sink.count - before != n:
        raise RuntimeError(f"sent {sent} of {n} deliveries, the SMTP server got {sink.count - before}")
    return {"raised_s": raised, "direct_per_s": len(sample) / direct, "worker_s": worker, "worker_per_s": n / worker}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=200, help="postings per side (email off / on)")
    parser.add_argument("--burst", type=int, default=10_000, help="notifications in the burst")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4],
                        help="worker concurrency, a burst each")
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
        timings = posting_latency(args.postings)
        off, on = statistics.median(timings["off"]) * 1000, statistics.median(timings["on"]) * 1000
        p90 = {side: statistics.quantiles(values, n=10)[-1] * 1000 for side, values in timings.items()}
        print(f"posting that raises an alert, median of {args.postings} each (p90):")
        print(f"  email off  {off:7.2f} ms ({p90['off']:.2f})")
        print(f"  email on   {on:7.2f} ms ({p90['on']:.2f})")
        print(f"  ratio on/off {on / off:.3f}")
        for concurrency in args.concurrency:
            result = burst(args.burst, concurrency, sink)
            print(f"burst of {args.burst:,} (worker concurrency {concurrency}): raised in {result['raised_s']:.2f} s; "
                  f"worker sent all in {result['worker_s']:.1f} s = {result['worker_per_s']:.0f}/s; "
                  f"the channel alone {result['direct_per_s']:.0f}/s; "
                  f"ratio worker/alone {result['worker_per_s'] / result['direct_per_s']:.2f}")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
