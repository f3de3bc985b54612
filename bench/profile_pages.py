"""Where does a page's time go? A quick profile through Django's test client (issue 17).

    .venv/bin/python bench/profile_pages.py                         # ms and queries per page
    .venv/bin/python bench/profile_pages.py --profile /transactions/ # plus cProfile's top functions
    .venv/bin/python bench/profile_pages.py --reset --rows 1000000   # reload the customer

It keeps its database (``bankdash_bench_profile``, or BENCH_DATABASE_NAME) between runs, so a
profile after a change costs seconds: the first run (or ``--reset``) migrates it and loads
bench/run.py's customer (3 accounts, 5 monthly budgets, 3 alerts, ``--rows`` entries over two
years). Each page is requested ``--repeat`` times after a warm-up, taking turns with the
logged-in hello; printed: the median milliseconds, the ratio of hello's median to the page's
(what bench/server.py measures as throughput, without the server), and the queries. A change
to the migrations needs ``--reset``. For the figures of record use bench/server.py.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_profile")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

PAGES = ["/bench/hello", "/dashboard/overview", "/", "/transactions/", "/transactions/?page=200", "/accounts/",
         "/budgets/", "/insights/"]


def database_exists() -> bool:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {"dbname": "postgres", "user": db.get("USER") or None, "host": db.get("HOST") or None,
              "port": db.get("PORT") or None, "password": db.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone() is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=PAGES, help="paths to measure")
    parser.add_argument("--rows", type=int, default=100_000, help="entries of the customer (default 100000)")
    parser.add_argument("--reset", action="store_true", help="drop the database and load the customer again")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--profile", metavar="PATH", help="cProfile this path and print the top functions")
    parser.add_argument("--top", type=int, default=35, help="functions printed with --profile (default 35)")
    args = parser.parse_args()

    import django

    from bench.run import make_customer, recreate_database

    fresh = args.reset
    if not fresh:
        django.setup()
        fresh = not database_exists()
    if fresh:
        recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.users.models import User

    if fresh:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        make_customer(args.rows, days=730, budget_day=1)
        print(f"loaded {args.rows:,} entries in {time.perf_counter() - started:.1f}s", flush=True)
    user = User.objects.filter(email__startswith="bench-").order_by("-id").first()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return response

    if args.profile:
        for _ in range(5):
            get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
        return

    timings: dict[str, list[float]] = {p: [] for p in args.pages}
    hello = "/bench/hello"
    timings.setdefault(hello, [])
    for path in timings:
        for _ in range(3):
            get(path)
    for _ in range(args.repeat):
        for path in timings:
            started = time.perf_counter()
            get(path)
            timings[path].append(time.perf_counter() - started)
    hello_ms = statistics.median(timings[hello]) * 1000
    print(f"{'page':<32} {'ms':>8} {'hello/page':>10} {'queries':>8}")
    for path, spent in timings.items():
        with CaptureQueriesContext(connection) as queries:
            get(path)
        ms = statistics.median(spent) * 1000
        print(f"{path:<32} {ms:8.2f} {hello_ms / ms:10.3f} {len(queries):8d}")


if __name__ == "__main__":
    main()
