"""Dashboard benchmark: does the overview stay fast as a customer's history grows?

    .venv/bin/python bench/run.py                       # 1,000 and 100,000 transactions
    .venv/bin/python bench/run.py --rows 1000000        # 1,000 and 1,000,000
    .venv/bin/python bench/run.py --rows 10000 100000 1000000 --seconds 4 --rounds 5

For each size it creates one customer (3 accounts, 5 monthly budgets, a few alerts)
with that many transactions over two years (bulk SQL, plus the balances and monthly
totals the ledger services keep: bench/bulkload.py), runs ANALYZE, then measures
requests per second through Django's test client (the whole stack: middleware,
session, view, template/JSON). The overview, the page and hello-world views take
turns request by request in the same rounds, so the ratios (overview / hello) hold
on a busy machine where absolute figures do not.

It uses its own database (``bankdash_bench``, see bench/settings.py), dropped and
recreated on every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# whitenoise warns when collectstatic has not run; static files are not measured here.
warnings.filterwarnings("ignore", message="No directory at")


def recreate_database() -> None:
    """Drop and create the benchmark database (connecting to the server's ``postgres``)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {"dbname": "postgres", "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
              "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        name = db["NAME"]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def measure_round(requests: list[tuple[str, object, str]], seconds: float) -> dict[str, float]:
    """Requests per second of each view over about ``seconds``, the views taking turns
    request by request, so a busy moment on the machine slows all of them alike."""
    spent = {name: 0.0 for name, _, _ in requests}
    done = dict.fromkeys(spent, 0)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for name, client, url in requests:
            started = time.perf_counter()
            response = client.get(url)
            spent[name] += time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            done[name] += 1
    return {name: done[name] / spent[name] for name in spent}


def make_customer(rows: int, *, days: int, budget_day: int):
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import Account
    from apps.alerts.models import Alert
    from apps.budgets.models import Budget
    from apps.transactions import services
    from apps.transactions.models import Category
    from apps.users.models import User
    from bench.bulkload import bulk_load

    today = timezone.localdate()
    user = User.objects.create_user(f"bench-{rows}@example.com", "bench-password", display_name=f"Bench {rows}")
    opened = today - timedelta(days=days + 1)
    accounts = [
        services.account_open(user=user, name="Checking", opening_balance=Decimal("10000.00"), opened_on=opened),
        services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS,
                              opening_balance=Decimal("5000.00"), opened_on=opened),
        services.account_open(user=user, name="Joint", opening_balance=Decimal("2500.00"), opened_on=opened),
    ]
    bulk_load(user=user, accounts=accounts, rows=rows, last_day=today, days=days)
    for name, limit in [("food", "600.00"), ("rent", "1500.00"), ("transport", "200.00"),
                        ("shopping", "300.00"), ("entertainment", "150.00")]:
        # Started a year ago, on ``budget_day`` of the month (budgets start on the 1st by default).
        start = today.replace(year=today.year - 1, day=budget_day)
        Budget.objects.create(owner=user, category=Category.objects.get(owner__isnull=True, name=name),
                              limit=Decimal(limit), start_date=start, currency=user.default_currency)
    for i in range(3):
        Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message=f"Bench alert {i}")
    with connection.cursor() as cursor:
        for table in ("transactions_transaction", "transactions_monthlytotal", "transactions_dailytotal",
                      "accounts_account",
                      "budgets_budget", "alerts_alert"):
            cursor.execute(f"ANALYZE {table}")
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000],
                        help="history sizes to compare with 1,000 transactions (default 100000; try 1000000)")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of one round (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per size (default 5)")
    parser.add_argument("--days", type=int, default=730,
                        help="days the history spans, ending today (default 730: more rows make busier months)")
    parser.add_argument("--budget-day", type=int, default=1, choices=range(1, 29), metavar="1..28",
                        help="day of the month the budgets start (default 1; e.g. 15 for mid-month periods)")
    args = parser.parse_args()
    sizes = sorted({1000, *args.rows})

    import django

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)

    views = [("hello", "/bench/hello"), ("overview", "/dashboard/overview"), ("page", "/")]
    results = {}
    anonymous = Client()
    for rows in sizes:
        started = time.perf_counter()
        user = make_customer(rows, days=args.days, budget_day=args.budget_day)
        print(f"{rows:>9,} transactions loaded in {time.perf_counter() - started:.1f}s", flush=True)
        client = Client()
        client.force_login(user)
        requests = [("hello-anonymous", anonymous, "/bench/hello-anonymous"),
                    *((name, client, url) for name, url in views)]
        measure_round(requests, 1.0)  # warm-up: connection, caches, query plans
        rounds = [measure_round(requests, args.seconds) for _ in range(args.rounds)]
        results[rows] = {name: statistics.median(r[name] for r in rounds) for name, _, _ in requests}
        for name in ("overview", "page"):
            results[rows][f"{name}-ratio"] = statistics.median(r[name] / r["hello"] for r in rounds)

    print()
    print("Requests per second (median of the rounds) and ratio to the logged-in hello-world view "
          "(median of the rounds' ratios)")
    print(f"{'transactions':>12} | {'hello anon':>10} | {'hello':>8} | {'overview':>8} | {'ratio':>6} |"
          f" {'page':>8} | {'ratio':>6}")
    for rows, r in results.items():
        print(f"{rows:>12,} | {r['hello-anonymous']:>10.0f} | {r['hello']:>8.0f} | {r['overview']:>8.0f} |"
              f" {r['overview-ratio']:>6.3f} | {r['page']:>8.0f} | {r['page-ratio']:>6.3f}")
    small, large = results[sizes[0]], results[sizes[-1]]
    print()
    print(f"overview at {sizes[-1]:,} vs {sizes[0]:,} transactions: "
          f"{large['overview-ratio'] / small['overview-ratio']:.2f}x the ratio "
          f"(1.00 = no slowdown from history)")


if __name__ == "__main__":
    main()
