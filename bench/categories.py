"""Categories and account pages benchmark (issue 16.5-6): do the account page (with its
balance history chart) and the categories page stay as fast with a long history as with a
short one, and what does merging a category cost?

    .venv/bin/python bench/categories.py                       # 1,000 and 100,000 transactions
    .venv/bin/python bench/categories.py --rows 1000000 --seconds 3 --rounds 5

For each size it creates bench/insights.py's customer (3 accounts, 5 monthly budgets, the
history spread over two years by bench/bulkload.py, with balances and monthly totals), runs
ANALYZE, then measures requests per second through Django's test client: the account page,
the categories page and the logged-in hello-world view take turns request by request in the
same rounds, so each page's ratio to hello holds on a busy machine. Then it merges the default
category "food" (about one entry in nine) into the customer's own "groceries" (one atomic
call: entries, monthly totals, the food budget, one ledger_changed) and reports the time and
the entries moved, and checks the ledger (`recalculate_balances --check`).

Its own database (``bankdash_bench_categories``, or BENCH_DATABASE_NAME), dropped and
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
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_categories")

from bench.insights import make_customer  # noqa: E402 (after the path and the name)
from bench.run import measure_round, recreate_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000],
                        help="history sizes to compare with 1,000 transactions (default 100000)")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per size (default 3)")
    parser.add_argument("--days", type=int, default=730, help="days the history spans, ending today (default 730)")
    args = parser.parse_args()
    sizes = sorted({1000, *args.rows})

    import django

    recreate_database()
    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.accounts.models import Account
    from apps.transactions.models import Category, Transaction
    from apps.transactions.selectors import account_balance_history
    from apps.transactions.services import category_create, category_merge

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)

    results, queries, merges, history_ms = {}, {}, {}, {}
    for rows in sizes:
        started = time.perf_counter()
        user = make_customer(rows, days=args.days)
        with connection.cursor() as cursor:
            for table in ("transactions_transaction", "transactions_monthlytotal", "transactions_dailytotal",
                          "accounts_account"):
                cursor.execute(f"ANALYZE {table}")
        print(f"{rows:>9,} transactions loaded in {time.perf_counter() - started:.1f}s", flush=True)
        checking = Account.objects.get(owner=user, name="Checking")
        views = [("account page", f"/accounts/{checking.pk}/"), ("categories", "/transactions/categories/")]
        client = Client()
        client.force_login(user)
        requests = [("hello", client, "/bench/hello"), *((name, client, url) for name, url in views)]
        measure_round(requests, 1.0)  # warm-up: connection, caches, query plans
        for name, _, url in requests:
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries[(rows, name)] = len(captured)
        rounds = [measure_round(requests, args.seconds) for _ in range(args.rounds)]
        results[rows] = {name: statistics.median(r[name] for r in rounds) for name, _, _ in requests}
        for name, _ in views:
            results[rows][f"{name}-ratio"] = statistics.median(r[name] / r["hello"] for r in rounds)

        # The balance history alone (the page also counts the account's entries for its pagination
        # and draws the forecast, which are not this issue's): median of 21 calls.
        spent = []
        for _ in range(21):
            started = time.perf_counter()
            account_balance_history(account=checking, today=timezone.localdate())
            spent.append((time.perf_counter() - started) * 1000)
        history_ms[rows] = statistics.median(spent)

        food = Category.objects.get(owner__isnull=True, name="food")
        moved = Transaction.objects.filter(owner=user, category=food).count()
        groceries = category_create(user=user, name="groceries", kind="expense")
        started = time.perf_counter()
        category_merge(user=user, source_id=food.pk, target_id=groceries.pk)
        merges[rows] = (moved, (time.perf_counter() - started) * 1000)
        out = StringIO()
        call_command("recalculate_balances", "--check", stdout=out, stderr=out)
        print(f"  merged {moved:,} entries in {merges[rows][1]:.0f} ms; ledger check: {out.getvalue().strip()}",
              flush=True)

    names = ["account page", "categories"]
    print()
    print("Requests per second (median of the rounds), ratio to the logged-in hello-world view (median of the "
          "rounds' ratios) and queries per request")
    print(f"{'view':>14} | " + " | ".join(f"{rows:>9,} req/s  ratio  queries" for rows in sizes))
    print(f"{'hello':>14} | " + " | ".join(
        f"{results[rows]['hello']:>15.0f}  {'1.000':>5}  {queries[(rows, 'hello')]:>7}" for rows in sizes))
    for name in names:
        print(f"{name:>14} | " + " | ".join(
            f"{results[rows][name]:>15.0f}  {results[rows][f'{name}-ratio']:>5.3f}  {queries[(rows, name)]:>7}"
            for rows in sizes))
    print()
    small, large = results[sizes[0]], results[sizes[-1]]
    print(f"ratio at {sizes[-1]:,} / ratio at {sizes[0]:,} transactions (1.00 = no slowdown from history):")
    for name in names:
        print(f"  {name:>14}: {large[f'{name}-ratio'] / small[f'{name}-ratio']:.2f}")
    print("The account's balance history alone (apps.transactions.selectors.account_balance_history), "
          "median of 21:")
    for rows in sizes:
        print(f"  {rows:>9,} transactions: {history_ms[rows]:.1f} ms")
    print("Merging 'food' into the customer's own category (one atomic call):")
    for rows in sizes:
        moved, ms = merges[rows]
        print(f"  {rows:>9,} transactions: {moved:,} entries moved in {ms:.0f} ms")


if __name__ == "__main__":
    main()
