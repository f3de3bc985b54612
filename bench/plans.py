"""What PostgreSQL does with a page's statements (issue 17): one first visit of each page by one of
bench/server.py's many customers (its database: ``bankdash_bench_server``, or
BENCH_DATABASE_NAME, on the server of DATABASE_URL), then each SELECT it ran again under
``EXPLAIN ANALYZE``: its execution and planning time and any sequential scan of more than 50 rows, the
sign of a statement whose cost grows with the number of customers rather than with the
customer's own data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankdash .venv/bin/python bench/plans.py / /insights/ /bills/
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_server")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

SEQ_SCAN = re.compile(r"Seq Scan on (\w+).*?actual time=[\d.]+\.\.[\d.]+ rows=(\d+)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--customer", type=int, default=300, help="which of the many customers (default 300)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.server import signed_in_session

    settings.ALLOWED_HOSTS = ["*"]
    customer = get_user_model().objects.filter(email__startswith="bench-many-").order_by("pk")[args.customer]
    client = Client(HTTP_X_FORWARDED_PROTO="https", secure=True)
    client.cookies["sessionid"] = signed_in_session(customer)
    for path in args.paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        print(f"{path}: {response.status_code}, {len(queries.captured_queries)} statements")
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "/*")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            took = re.search(r"Execution Time: ([\d.]+)", plan).group(1)
            planned = re.search(r"Planning Time: ([\d.]+)", plan).group(1)
            scans = [f"{table} ({rows} rows)" for table, rows in SEQ_SCAN.findall(plan) if int(rows) > 50]
            scanned = "seq scan of " + ", ".join(scans) if scans else ""
            print(f"  {took:>7} ms  planned in {planned:>6} ms  {scanned:36s} {sql[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
