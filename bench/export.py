"""Export benchmark: does the streamed CSV export keep a flat memory as the history grows?

    .venv/bin/python bench/export.py                          # 100,000 and 1,000,000 rows
    .venv/bin/python bench/export.py --rows 100000 300000     # a shorter run

One customer (3 accounts) gets that many ledger rows (bench/bulkload.py: bulk SQL, then the
balances and monthly totals rebuilt), then, for each size, fresh child processes each
  - export: ``GET /transactions/export.csv`` through Django's test client (the whole stack:
    middleware, session, filters, the streamed response over a server-side cursor), every
    byte of the stream read and thrown away;
  - copy (the baseline): a bare ``COPY (SELECT the same columns, joined, same order) TO STDOUT
    WITH CSV`` of the same rows through psycopg, read and thrown away;
  - list (the contrast, up to ``--contrast-max`` rows): the same CSV written from a list of
    every row loaded at once, what a non-streamed export does, to show the measure sees growth.
Each child reports its peak resident memory (VmHWM) and its resident memory before the
export started, so "growth" is what the export itself added; rows per second are given as a
ratio to the COPY baseline of the same run.

It uses its own database (``bankdash_bench_export`` unless BENCH_DATABASE_NAME says otherwise),
dropped and recreated on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_export")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

EMAIL = "bench-export@example.com"


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _child(mode: str) -> None:
    """Run one export in this (fresh) process and print what it measured as JSON."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from apps.transactions.exports import csv_rows
    from apps.transactions.models import Transaction
    from apps.users.models import User

    user = User.objects.get(email=EMAIL)
    client = Client()
    client.force_login(user)
    client.get("/bench/hello")  # warm: session, user, middleware
    connection.ensure_connection()
    before = _status_kb("VmRSS")
    size = lines = 0
    started = time.perf_counter()
    if mode == "export":
        response = client.get("/transactions/export.csv")
        assert response.status_code == 200 and response.streaming, response
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
    elif mode == "copy":
        sql = """
            COPY (SELECT t.occurred_on, a.name, t.kind, t.payee, t.description, c.name,
                         CASE WHEN t.kind IN ('opening', 'income', 'transfer_in', 'adjustment_in')
                              THEN t.amount ELSE -t.amount END, a.currency
                  FROM transactions_transaction t
                  JOIN accounts_account a ON a.id = t.account_id
                  LEFT JOIN transactions_category c ON c.id = t.category_id
                  WHERE t.owner_id = %s ORDER BY t.occurred_on DESC, t.id DESC) TO STDOUT WITH (FORMAT csv, HEADER)
        """
        with connection.cursor() as cursor, cursor.cursor.copy(sql, [user.pk]) as copy:
            for chunk in copy:
                size += len(chunk)
                lines += bytes(chunk).count(b"\n")
    elif mode == "list":
        entries = Transaction.objects.filter(owner=user).order_by("-occurred_on", "-id")
        everything = list(entries.select_related("account", "category"))  # what streaming avoids

        class Everything:
            def values_list(self, *fields):
                return self

            def iterator(self, chunk_size):
                for e in everything:
                    yield (e.occurred_on, e.account.name, e.kind, e.payee, e.description,
                           e.category.name if e.category else None, e.amount, e.account.currency)

        for line in csv_rows(Everything()):
            data = line.encode()
            size += len(data)
            lines += 1
    else:
        raise SystemExit(f"unknown mode {mode}")
    elapsed = time.perf_counter() - started
    print(json.dumps({"mode": mode, "seconds": elapsed, "bytes": size, "lines": lines,
                      "rss_before_kb": before, "peak_kb": _status_kb("VmHWM")}))


def run_child(mode: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", mode], check=True, capture_output=True,
                            text=True, env=os.environ.copy()).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--contrast-max", type=int, default=100_000,
                        help="run the load-everything contrast up to this many rows (default 100000: it needs "
                             "about 3 GB per million rows)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return

    import django

    from bench.run import recreate_database

    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.transactions import services
    from apps.users.models import User
    from bench.bulkload import bulk_load

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    user = User.objects.create_user(EMAIL, "bench-password", display_name="Bench export")
    opened = today - timedelta(days=800)
    accounts = [services.account_open(user=user, name=name, opening_balance=Decimal("1000.00"), opened_on=opened)
                for name in ("Checking", "Savings", "Joint")]
    loaded = 0
    results = []
    for rows in sorted(args.rows):
        started = time.perf_counter()
        bulk_load(user=user, accounts=accounts, rows=rows - loaded, last_day=today, days=730)
        loaded = rows
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE transactions_transaction")
        print(f"{rows:>9,} rows loaded in {time.perf_counter() - started:.1f}s", flush=True)
        modes = ["copy", "export"] + (["list"] if rows <= args.contrast_max else [])
        measured = {mode: run_child(mode) for mode in modes}
        for mode, m in measured.items():
            print(f"  {mode:>6}: {m['lines'] - 1:>9,} rows in {m['seconds']:.1f}s, "
                  f"peak RSS {m['peak_kb'] / 1024:.0f} MB "
                  f"(+{(m['peak_kb'] - m['rss_before_kb']) / 1024:.0f} MB during the export)", flush=True)
        results.append((rows, measured))

    print()
    print("| rows | export rows/s | COPY rows/s | export / COPY | export peak RSS | growth during export "
          "| load-everything peak RSS |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for _rows, m in results:
        export, copy = m["export"], m["copy"]
        exported = export["lines"] - 1  # the header is not a row
        export_rate, copy_rate = exported / export["seconds"], (copy["lines"] - 1) / copy["seconds"]
        contrast = f"{m['list']['peak_kb'] / 1024:.0f} MB" if "list" in m else "not run"
        print(f"| {exported:,} | {export_rate:,.0f} | {copy_rate:,.0f} | {export_rate / copy_rate:.3f} "
              f"| {export['peak_kb'] / 1024:.0f} MB | {(export['peak_kb'] - export['rss_before_kb']) / 1024:.1f} MB "
              f"| {contrast} |")


if __name__ == "__main__":
    main()
