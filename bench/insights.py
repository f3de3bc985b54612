"""Insights benchmark: do the Insights page and the five insights endpoints stay as fast with
a long history as with a short one?

    .venv/bin/python bench/insights.py                          # 1,000 and 1,000,000 transactions
    .venv/bin/python bench/insights.py --rows 100000            # 1,000 and 100,000
    .venv/bin/python bench/insights.py --rows 1000000 --seconds 3 --rounds 5

For each size it creates one customer the way bench/run.py does (3 accounts, 5 monthly
budgets, 3 alerts, the history spread over two years by bench/bulkload.py, with its
balances and monthly totals), gives three quarters of the expenses one of 40 payees (the
rest have none, as hand-typed entries often do; the merchant figures group those per
category), runs ANALYZE, then measures requests per second through Django's test client
(the whole stack). The page, the endpoints and the logged-in hello-world view take turns
request by request in the same rounds, so each view's ratio to hello holds on a busy
machine where absolute figures do not. The merchant figures are read through their cache
(apps.insights.merchants), filled by the warm-up; the first request after a change to an
expense of the months shown fills it again, which is timed apart ("cold"). The last lines
compare each view's ratio at the largest size with its ratio at 1,000 transactions (1.00 = no
slowdown from history).

Its own database (``bankdash_bench_insights``, or BENCH_DATABASE_NAME), dropped and
recreated on every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_insights")

from bench.run import measure_round, recreate_database  # noqa: E402 (after the path and the name)

VIEWS = [
    ("page", "/insights/"),
    ("spending", "/insights/spending"),
    ("cash-flow", "/insights/cash-flow"),
    ("top-merchants", "/insights/top-merchants"),
    ("health-score", "/insights/health-score"),
    ("burn-rate", "/insights/burn-rate"),
]
PAYEES = 40


def make_customer(rows: int, *, days: int):
    """bench/run.py's customer (3 accounts, 5 monthly budgets, 3 alerts, ``rows`` entries by
    bench/bulkload.py), with the budgets' currency given, as budgets now require."""
    from datetime import timedelta
    from decimal import Decimal

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
        Budget.objects.create(owner=user, category=Category.objects.get(owner__isnull=True, name=name),
                              limit=Decimal(limit), start_date=today.replace(year=today.year - 1, day=1),
                              currency=user.default_currency)
    for i in range(3):
        Alert.objects.create(owner=user, kind=Alert.Kind.SYSTEM, message=f"Bench alert {i}")
    return user


def give_payees(user) -> None:
    """Three expenses in four get one of ``PAYEES`` payees (bulkload writes none)."""
    from django.db import connection

    from apps.transactions.models import Transaction

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Transaction._meta.db_table} SET payee = 'Merchant ' || (id %% %s) "  # noqa: S608
            "WHERE owner_id = %s AND kind = 'expense' AND id %% 4 <> 0",
            [PAYEES, user.pk],
        )
        for table in ("transactions_transaction", "transactions_monthlytotal", "transactions_dailytotal",
                      "accounts_account",
                      "budgets_budget", "alerts_alert"):
            cursor.execute(f"ANALYZE {table}")


def cold_milliseconds(client, user, times: int = 5) -> dict[str, float]:
    """Milliseconds (median of ``times``) of the page and of the top merchants when the merchant
    cache holds nothing for the customer, as after a change to an expense of the months shown:
    the request then groups those months' expense rows once (apps.insights.merchants)."""
    from apps.insights.models import MerchantMonth

    client.get("/bench/hello")  # the connection and the session, out of the timing
    found = {}
    for name, url in (("page", "/insights/"), ("top-merchants", "/insights/top-merchants")):
        spent = []
        for _ in range(times):
            MerchantMonth.objects.filter(owner=user).delete()
            started = time.perf_counter()
            client.get(url)
            spent.append((time.perf_counter() - started) * 1000)
        found[name] = statistics.median(spent)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000],
                        help="history sizes to compare with 1,000 transactions (default 1000000)")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per size (default 5)")
    parser.add_argument("--days", type=int, default=730, help="days the history spans, ending today (default 730)")
    args = parser.parse_args()
    sizes = sorted({1000, *args.rows})

    import django

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)

    results, queries, cold = {}, {}, {}
    for rows in sizes:
        started = time.perf_counter()
        user = make_customer(rows, days=args.days)
        give_payees(user)
        print(f"{rows:>9,} transactions loaded in {time.perf_counter() - started:.1f}s", flush=True)
        client = Client()
        client.force_login(user)
        requests = [("hello", client, "/bench/hello"), *((name, client, url) for name, url in VIEWS)]
        cold[rows] = cold_milliseconds(client, user)
        measure_round(requests, 1.0)  # warm-up: connection, caches, query plans
        for name, _, url in requests:
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries[(rows, name)] = len(captured)
        rounds = [measure_round(requests, args.seconds) for _ in range(args.rounds)]
        results[rows] = {name: statistics.median(r[name] for r in rounds) for name, _, _ in requests}
        for name, _ in VIEWS:
            results[rows][f"{name}-ratio"] = statistics.median(r[name] / r["hello"] for r in rounds)

    print()
    print("Requests per second (median of the rounds), ratio to the logged-in hello-world view (median of the "
          "rounds' ratios) and queries per request")
    print(f"{'view':>14} | " + " | ".join(f"{rows:>9,} req/s  ratio  queries" for rows in sizes))
    print(f"{'hello':>14} | " + " | ".join(
        f"{results[rows]['hello']:>15.0f}  {'1.000':>5}  {queries[(rows, 'hello')]:>7}" for rows in sizes))
    for name, _ in VIEWS:
        print(f"{name:>14} | " + " | ".join(
            f"{results[rows][name]:>15.0f}  {results[rows][f'{name}-ratio']:>5.3f}  {queries[(rows, name)]:>7}"
            for rows in sizes))
    print()
    print("Cold (the merchant cache empty, as after a change to an expense of the months shown), ms, median of 5:")
    for rows in sizes:
        print(f"  {rows:>9,}: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in cold[rows].items()))
    print()
    small, large = results[sizes[0]], results[sizes[-1]]
    print(f"ratio at {sizes[-1]:,} / ratio at {sizes[0]:,} transactions (1.00 = no slowdown from history):")
    for name, _ in VIEWS:
        print(f"  {name:>14}: {large[f'{name}-ratio'] / small[f'{name}-ratio']:.2f}")


if __name__ == "__main__":
    main()
