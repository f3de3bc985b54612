"""The budgets' spending statement alone (issue 17): ``apps.budgets.selectors.spent_in_windows``
of this checkout against the same function of an older copy of the module, in turns, on the
budgets of bench/server.py's many customers (its database: ``bankdash_bench_server``, or
BENCH_DATABASE_NAME, on the server of DATABASE_URL). Every dashboard, overview and posting's
budget check runs it once; a page's time in one process is too noisy to show a tenth of a
millisecond, this shows it. Both versions must give the same sums (checked on the first
customers). Prints the median microseconds a call of each.

    git show HEAD~1:apps/budgets/selectors.py > /tmp/old_budgets.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankdash .venv/bin/python bench/budget_spending.py \
        --old /tmp/old_budgets.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_server")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="an older apps/budgets/selectors.py")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=3000, help="calls of each version")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from apps.budgets import selectors as new
    from bench.first_visits import load_older

    old = load_older(args.old, package="apps.budgets")

    customers = list(get_user_model().objects.filter(email__startswith="bench-many-").order_by("pk")
                     [:args.customers])
    if not customers:
        print("no customers: run bench/server.py first", file=sys.stderr)
        return 2
    asked: dict[int, dict] = {}

    def keep(*, user, windows: dict):
        asked[user.pk] = windows
        return {}

    for user in customers:  # the windows a dashboard of today asks about
        new.budget_vs_actual(user=user, spent_in=keep)
    versions = {"current": new.spent_in_windows, args.old.name: old.spent_in_windows}
    for user in customers[:200]:
        sums = {name: spent(user=user, windows=asked[user.pk]) for name, spent in versions.items()}
        if len({tuple(sorted(s.items())) for s in sums.values()}) != 1:
            print(f"the versions disagree for {user.pk}: {sums}", file=sys.stderr)
            return 1
    times: dict[str, list[float]] = {name: [] for name in versions}
    names = list(versions)
    for call in range(args.calls):
        user = customers[call % len(customers)]
        for name in names if call % 2 else reversed(names):
            started = time.perf_counter()
            versions[name](user=user, windows=asked[user.pk])
            times[name].append((time.perf_counter() - started) * 1e6)
    budgets = statistics.median(len(w) for w in asked.values())
    for name, values in times.items():
        print(f"{name:24s} median {statistics.median(values):7.0f} us a call over {len(values)} calls "
              f"({budgets:.0f} budgets a customer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
