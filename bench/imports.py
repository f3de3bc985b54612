"""Statement import benchmark: a 10,000-row CSV, preview + confirm, under 10 seconds?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankdash .venv/bin/python bench/imports.py [--rows 10000]

For each round, a fresh customer with two accounts uploads a CSV in BankDash's original format
(``account_id, amount, transaction_type, category, description, transaction_date``: no mapping
step), rows spread over the two accounts and the last year, one income per ten rows, through
Django's test client (the whole stack: upload handler, parser, preview rows written, the
redirect's preview page), then confirms it as the browser does (the first page's ticks; every
row is posted in one ``entries_post``). Baselines in the same round: parsing the file alone,
and posting 500 expenses one by one with ``expense_post`` (per row, the way a form does).

It uses its own database (``bankdash_bench_imports``), dropped and recreated on every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_imports")

from bench.run import recreate_database  # noqa: E402  (sets the settings module)

LAST_DAY = date(2026, 10, 31)
CATEGORIES = ("food", "transport", "shopping", "entertainment", "utilities", "health")


def make_csv(rows: int, account_ids: list[int]) -> bytes:
    lines = ["account_id,amount,transaction_type,category,description,transaction_date"]
    for i in range(rows):
        day = LAST_DAY - timedelta(days=365 - (i * 365) // rows)
        account = account_ids[(i // 10) % len(account_ids)]  # ten rows per account, the first an income
        if i % 10 == 0:
            lines.append(f"{account},2500.00,income,salary,Salary {i},{day:%Y-%m-%d}")
        else:
            lines.append(f'{account},{1 + i % 200}.{i % 100:02d},expense,{CATEGORIES[i % 6]},"Shop {i}, branch",'
                         f"{day:%Y-%m-%d}")
    return ("\n".join(lines) + "\n").encode()


def one_round(rows: int, number: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from apps.imports.models import ImportBatch, ImportRow
    from apps.imports.parsers.csv_file import original_mapping, parse_csv, read_table
    from apps.transactions.models import Category, Transaction
    from apps.transactions.services import account_open, expense_post
    from apps.users.models import User

    user = User.objects.create_user(email=f"bench-import-{number}@example.com", password="x")  # noqa: S106
    accounts = [account_open(user=user, name=name, currency="USD", opened_on=date(2020, 1, 1),
                             opening_balance=Decimal("5000.00")) for name in ("Checking", "Savings")]
    data = make_csv(rows, [a.pk for a in accounts])
    client = Client()
    client.force_login(user)

    started = time.perf_counter()
    header, _ = read_table(data)
    parse_csv(data, original_mapping(header))
    parse_only = time.perf_counter() - started

    started = time.perf_counter()
    response = client.post("/import/", {"file": SimpleUploadedFile("big.csv", data), "date_format": "auto"})
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"])
    assert page.status_code == 200
    preview = time.perf_counter() - started
    batch = ImportBatch.objects.get(owner=user)
    first_page = list(ImportRow.objects.filter(batch=batch).order_by("position").values_list("pk", "selected")[:50])

    started = time.perf_counter()
    response = client.post(response["Location"], {"action": "confirm", "row": [pk for pk, _ in first_page],
                                                  "keep": [pk for pk, selected in first_page if selected]})
    assert response.status_code == 302
    confirm = time.perf_counter() - started
    batch.refresh_from_db()
    assert batch.status == "posted", batch.last_error
    posted = Transaction.objects.filter(owner=user).exclude(kind="opening").count()

    # Baseline: expenses one by one through the form's service.
    food = Category.objects.get(owner__isnull=True, name="food")
    one_by_one_rows = 500
    started = time.perf_counter()
    for i in range(one_by_one_rows):
        expense_post(user=user, account_id=accounts[0].pk, amount=Decimal("0.01"), category=food,
                     occurred_on=LAST_DAY, description=f"one by one {i}")
    one_by_one = time.perf_counter() - started
    return {"parse": parse_only, "preview": preview, "confirm": confirm, "total": preview + confirm,
            "posted": posted, "per_row_import_ms": (preview + confirm) / rows * 1000,
            "per_row_one_by_one_ms": one_by_one / one_by_one_rows * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    recreate_database()
    django.setup()
    from django.core.management import call_command

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    results = []
    for number in range(args.rounds):
        result = one_round(args.rows, number)
        results.append(result)
        print(f"round {number + 1}: parse {result['parse']:.2f} s, upload + preview {result['preview']:.2f} s, "
              f"confirm {result['confirm']:.2f} s, total {result['total']:.2f} s, {result['posted']} rows posted; "
              f"per row {result['per_row_import_ms']:.3f} ms vs expense_post one by one "
              f"{result['per_row_one_by_one_ms']:.3f} ms", flush=True)
    med = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(f"\nmedian of {args.rounds}: {args.rows:,} rows: upload + preview {med['preview']:.2f} s + confirm "
          f"{med['confirm']:.2f} s = {med['total']:.2f} s (limit 10 s); parse alone {med['parse']:.2f} s "
          f"(import / parse = {med['total'] / med['parse']:.1f}); per row {med['per_row_import_ms']:.3f} ms vs "
          f"{med['per_row_one_by_one_ms']:.3f} ms one by one (import / one-by-one = "
          f"{med['per_row_import_ms'] / med['per_row_one_by_one_ms']:.3f})")


if __name__ == "__main__":
    main()
