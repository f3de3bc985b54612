"""Dashboard benchmark: does the overview stay fast as a customer's history grows?

    .venv/bin/python bench/run.py                       # 1,000 and 100,000 transactions
    .venv/bin/python bench/run.py --rows 1000000        # 1,000 and 1,000,000
    .venv/bin/python bench/run.py --rows 10000 100000 1000000 --seconds 3 --rounds 5

For each size it creates one customer (3 accounts, 5 monthly budgets, a few alerts)
with that many transactions over two years (bulk SQL, plus the balances and monthly
totals the ledger services keep: bench/bulkload.py), runs ANALYZE, then measures
requests per second through Django's test client (the whole stack: middleware,
session, view, template/JSON), interleaving with hello-world views measured in the
same run. Absolute figures depend on the machine; the ratios are what to compare.

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


def measure(client, url: str, seconds: float) -> float:
    """Requests per second for ``url`` over about ``seconds``."""
    done, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        done += 1
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - start)


def make_customer(rows: int):
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
    opened = today - timedelta(days=800)
    accounts = [
        services.account_open(user=user, name="Checking", opening_balance=Decimal("10000.00"), opened_on=opened),
        services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS,
                              opening_balance=Decimal("5000.00"), opened_on=opened),
        services.account_open(user=user, name="Joint", opening_balance=Decimal("2500.00"), opened_on=opened),
    ]
    bulk_load(user=user, accounts=accounts, rows=rows, last_day=today, days=730)
    for name, limit in [("food", "600.00"), ("rent", "1500.00"), ("transport", "200.00"),
                        ("shopping", "300.00"), ("entertainment", "150.00")]:
        Budget.objects.create(owner=user, category=Category.objects.get(owner__isnull=True, name=name),
                              limit=Decimal(limit), start_date=today.replace(day=1) - timedelta(days=400))
    for i in range(3):
        Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message=f"Bench alert {i}")
    with connection.cursor() as cursor:
        for table in ("transactions_transaction", "transactions_monthlytotal", "accounts_account",
                      "budgets_budget", "alerts_alert"):
            cursor.execute(f"ANALYZE {table}")
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000],
                        help="history sizes to compare with 1,000 transactions (default 100000; try 1000000)")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one measurement (default 2)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved measurements per view (default 5)")
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
        user = make_customer(rows)
        print(f"{rows:>9,} transactions loaded in {time.perf_counter() - started:.1f}s", flush=True)
        client = Client()
        client.force_login(user)
        for _, url in views:  # warm-up: caches, connection, plans
            measure(client, url, 0.3)
        samples = {name: [] for name, _ in views}
        samples["hello-anonymous"] = []
        for _ in range(args.rounds):
            samples["hello-anonymous"].append(measure(anonymous, "/bench/hello-anonymous", args.seconds / 2))
            for name, url in views:
                samples[name].append(measure(client, url, args.seconds))
        results[rows] = {name: statistics.median(values) for name, values in samples.items()}

    print()
    print("Requests per second (median of interleaved rounds) and ratio to the logged-in hello-world view")
    print(f"{'transactions':>12} | {'hello anon':>10} | {'hello':>8} | {'overview':>8} | {'ratio':>6} |"
          f" {'page':>8} | {'ratio':>6}")
    for rows, r in results.items():
        print(f"{rows:>12,} | {r['hello-anonymous']:>10.0f} | {r['hello']:>8.0f} | {r['overview']:>8.0f} |"
              f" {r['overview'] / r['hello']:>6.3f} | {r['page']:>8.0f} | {r['page'] / r['hello']:>6.3f}")
    small, large = results[sizes[0]], results[sizes[-1]]
    print()
    print(f"overview at {sizes[-1]:,} vs {sizes[0]:,} transactions: "
          f"{(large['overview'] / large['hello']) / (small['overview'] / small['hello']):.2f}x of the ratio "
          f"(1.00 = no slowdown from history)")


if __name__ == "__main__":
    main()
