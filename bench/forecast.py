"""Forecast benchmark: does ``GET /forecast`` stay fast as an account's schedules grow?

    .venv/bin/python bench/forecast.py                    # 1 and 50 schedules, 90 days
    .venv/bin/python bench/forecast.py --schedules 1 50 200 --days 90 --seconds 3 --rounds 5

For each size it creates one customer whose checking account has that many recurring items
(bills, income, transfers to savings; weekly to quarterly, some dates already paid or
skipped), then
- counts the queries of ``GET /forecast?account=ID&days=N`` (they must not grow with the
  number of schedules), and
- measures requests per second through Django's test client (the whole stack), taking turns
  request by request with the logged-in hello-world view (bench/urls.py): the ratio
  forecast / hello per round holds on a busy machine where absolute figures do not.

It uses its own database (``bankdash_bench_forecast`` unless BENCH_DATABASE_NAME says
otherwise, see bench/settings.py), dropped and recreated on every run, so it neither touches
dev data nor the dashboard benchmark's database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_forecast")

from bench.run import measure_round, recreate_database  # noqa: E402  (sets the settings module)

FREQUENCIES = ["weekly", "biweekly", "monthly", "semimonthly", "quarterly"]


def make_customer(schedules: int):
    from django.utils import timezone

    from apps.accounts.models import Account
    from apps.bills import services as bills
    from apps.transactions import services
    from apps.transactions.models import Category
    from apps.users.models import User

    today = timezone.localdate()
    user = User.objects.create_user(f"forecast-{schedules}@example.com", "bench-password",
                                    display_name=f"Forecast {schedules}")
    opened = today - timedelta(days=400)
    checking = services.account_open(user=user, name="Checking", opening_balance=Decimal("250000.00"),
                                     opened_on=opened)
    savings = services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS, opened_on=opened)
    categories = {c.name: c for c in Category.objects.filter(owner__isnull=True)}
    for i in range(schedules):
        frequency = FREQUENCIES[i % len(FREQUENCIES)]
        kind = "income" if i % 10 == 3 else "transfer" if i % 10 == 7 else "bill"
        extra = {"second_day": 28} if frequency == "semimonthly" else {}
        if kind == "transfer":
            extra["to_account_id"] = savings.pk
        else:
            extra["category"] = categories["salary" if kind == "income" else "utilities"]
        item = bills.recurring_create(
            user=user, kind=kind, name=f"{kind.title()} {i}", amount=Decimal(f"{10 + i}.{i % 100:02d}"),
            account_id=checking.pk, frequency=frequency, starts_on=today + timedelta(days=i % 14),
            day=(i % 27) + 1 if frequency not in ("weekly", "biweekly") else None, **extra)
        # Some dates already settled: the forecast must read them and not count them again.
        if i % 4 == 0:
            first = item.next_due_on
            if i % 8 == 0:
                bills.occurrence_skip(user=user, item_id=item.pk, due_on=first)
            else:
                bills.occurrence_mark_paid(user=user, item_id=item.pk, due_on=first, post=True)
    return user, checking


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schedules", type=int, nargs="+", default=[50],
                        help="numbers of schedules to compare with 1 (default 50)")
    parser.add_argument("--days", type=int, default=90, help="days of the forecast (default 90)")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()
    sizes = sorted({1, *args.schedules})

    import django

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)

    requests, queries = [], {}
    for n in sizes:
        user, checking = make_customer(n)
        client = Client()
        client.force_login(user)
        url = f"/forecast?account={checking.pk}&days={args.days}"
        count_queries(client, url)  # warm-up
        queries[n] = count_queries(client, url)
        requests.append((f"forecast-{n}", client, url))
        if n == sizes[0]:
            requests.insert(0, ("hello", client, "/bench/hello"))
    measure_round(requests, 1.0)  # warm-up: connection, caches, query plans
    rounds = [measure_round(requests, args.seconds) for _ in range(args.rounds)]
    rps = {name: statistics.median(r[name] for r in rounds) for name, _, _ in requests}
    ratio = {n: statistics.median(r[f"forecast-{n}"] / r["hello"] for r in rounds) for n in sizes}

    print()
    print(f"GET /forecast?days={args.days}: queries, requests per second (median of {args.rounds} rounds of "
          f"{args.seconds:g}s) and ratio to the logged-in hello-world view (median of the rounds' ratios)")
    print(f"hello: {rps['hello']:.0f} requests/s")
    print(f"{'schedules':>9} | {'queries':>7} | {'forecast':>8} | {'ratio':>6}")
    for n in sizes:
        print(f"{n:>9} | {queries[n]:>7} | {rps[f'forecast-{n}']:>8.0f} | {ratio[n]:>6.3f}")
    print()
    print(f"queries: {'constant' if len(set(queries.values())) == 1 else 'NOT constant'} "
          f"({', '.join(str(queries[n]) for n in sizes)}); ratio at {sizes[-1]} vs 1 schedule: "
          f"{ratio[sizes[-1]] / ratio[sizes[0]]:.2f}x")
    if len(set(queries.values())) != 1:
        sys.exit(1)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f}s)")
