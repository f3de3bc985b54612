"""First visits of many customers through Django's test client (issue 17): what the
2,000-customer case of ``bench/server.py`` costs a page when the customer's page is not kept.

Runs on the database ``bench/server.py`` leaves behind (``bankdash_bench_server``, or
``BENCH_DATABASE_NAME``, on the server of ``DATABASE_URL``), with Redis (``--redis-url``,
database 12 by default: flush it before a run) and the page cache on, as production serves.
Each request is another customer of the many, signed in by a session made as a login makes it,
so the page, the ledger figures and the session are cold for that customer. Prints the median
time per page; with ``--interleave OLD_FILE``, ``apps.dashboard.selectors`` and
``apps.transactions.selectors`` functions named in ``--swap`` are taken from OLD_FILE (say, the
module at an earlier commit: ``git show REV:apps/dashboard/selectors.py > /tmp/old.py``) for
every other request, so both versions run in the same process, in turns, on the same machine
state: on a noisy VM, the only comparison that holds.

    redis-cli -n 12 flushdb
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankdash .venv/bin/python bench/first_visits.py \
        --pages hello dashboard list
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_server")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

PAGES = {"hello": "/bench/hello", "list-ceiling": "/bench/list-ceiling", "dashboard-data": "/bench/dashboard-data",
         "dashboard": "/", "list": "/transactions/", "list-p20": "/transactions/?page=20",
         "accounts": "/accounts/", "overview": "/dashboard/overview", "insights": "/insights/"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="*", default=["hello", "dashboard", "list", "overview"], choices=PAGES)
    parser.add_argument("--n", type=int, default=100, help="customers (first visits) per page (default 100)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many of the many customers")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--interleave", type=Path, help="an older version of the module of --swap")
    parser.add_argument("--swap", nargs="*", default=[],
                        help="module:name of the functions or constants taken from --interleave in turns")
    return parser.parse_args(argv)


def load_older(path: Path, *, package: str):
    """The module in ``path`` (an older copy of one of ``package``'s modules), loaded as a sibling
    of the module it stands in for, so its relative imports work."""
    name = f"{package}._bench_old" if package else "_bench_old"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["REDIS_URL"] = args.redis_url
    os.environ["PAGE_CACHE"] = "true"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.server import signed_in_session

    settings.ALLOWED_HOSTS = ["*"]
    versions = [{}]
    if args.interleave:
        old = load_older(args.interleave, package=args.swap[0].partition(":")[0].rpartition(".")[0]
                         if args.swap else "")
        new, olds = {}, {}
        for swap in args.swap:
            module_name, _, name = swap.partition(":")
            module = importlib.import_module(module_name)
            new[(module, name)], olds[(module, name)] = getattr(module, name), getattr(old, name)
        versions = [new, olds]

    customers = list(get_user_model().objects.filter(email__startswith="bench-many-").order_by("pk")[args.offset:])
    needed = args.n * len(args.pages) * len(versions)
    if len(customers) < needed:
        print(f"{needed} customers needed, {len(customers)} found: run bench/server.py first", file=sys.stderr)
        return 2

    def use(version):
        for (module, name), value in version.items():
            setattr(module, name, value)

    client = Client(HTTP_X_FORWARDED_PROTO="https", secure=True)
    for user in customers[-3:]:  # warm the process (imports, templates), not the customers measured
        client.cookies["sessionid"] = signed_in_session(user)
        for page in args.pages:
            for version in versions:
                use(version)
                client.get(PAGES[page])
    times = {(page, v): [] for page in args.pages for v in range(len(versions))}
    users = iter(customers)
    for page in args.pages:
        for i in range(args.n):
            order = list(range(len(versions)))
            if i % 2:
                order.reverse()
            for v in order:
                use(versions[v])
                client.cookies["sessionid"] = signed_in_session(next(users))
                started = time.perf_counter()
                response = client.get(PAGES[page])
                times[(page, v)].append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    print(f"{PAGES[page]} answered {response.status_code}", file=sys.stderr)
                    return 1
    use(versions[0])
    for (page, v), values in times.items():
        label = "" if len(versions) == 1 else (" (current)" if v == 0 else f" ({args.interleave.name})")
        print(f"{page + label:30s} median {statistics.median(values):7.2f} ms  over {len(values)} first visits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
