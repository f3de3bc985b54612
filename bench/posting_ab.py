"""Posting under read load, or pages, two versions of the code side by side (issue 17).

bench/server.py measures one version per run, and on a shared 2-core VM two runs minutes apart
differ by more than most changes do. This serves the database an earlier ``bench/server.py``
run left (``--customers`` of them, ``bankdash_bench_server`` or BENCH_DATABASE_NAME) with two
gunicorns at once, this checkout and ``--other`` (say, ``git worktree add /tmp/base HEAD~1``),
and measures them in turns, in alternating order: posting an expense alone, then while the
other customers read the dashboard, as bench/server.py does; or, with ``--pages``, those
pages of bench/server.py's (each customer's first visit, as its many-customer case), each round
between two logged-in hellos of the same server, its ratio to them as bench/server.py
computes it. Printed: each round, then the medians for each version.

    git worktree add /tmp/base HEAD~1 && ln -s "$PWD/node_modules" /tmp/base/node_modules
    redis-cli -n 13 flushdb
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankdash .venv/bin/python bench/posting_ab.py \\
        --other /tmp/base --rounds 8
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankdash .venv/bin/python bench/posting_ab.py \\
        --other /tmp/base --rounds 6 --pages "dashboard (HTML)" "transactions p1"
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.server as bench_server  # noqa: E402 (after the path; it sets the settings)
from tests.hardening import servers  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--other", type=Path, required=True, help="the other checkout (its staticfiles collected)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--customers", type=int, default=2000, help="of bench/server.py's many (a tenth post)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--pages", nargs="*", choices=[p.name for p in bench_server.PAGES],
                        help="measure these pages instead of posting")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    secret = servers.new_secret_key()
    os.environ["SECRET_KEY"] = secret  # the sessions made here must verify in both servers
    import django

    django.setup()
    users = bench_server.reused_customers("bench-many-", args.customers)
    work = Path(tempfile.mkdtemp(prefix="bankdash-posting-ab-"))
    readers, posters = work / "readers.txt", work / "posters.txt"
    posting = max(1, len(users) // 10)
    bench_server.write_sessions(readers, [(u, 1) for u in users[posting:]])
    bench_server.write_sessions(posters, [(u, 1) for u in users[:posting]])
    scenario = bench_server.Scenario(f"{args.customers:,} customers", 0, readers, posters=posters, cold=True)
    env = servers.production_env(database_url=bench_server.database_url(), secret_key=secret,
                                 settings_module="bench.production_settings", REDIS_URL=args.redis_url)
    workers, _ = bench_server.gunicorn_layout(argparse.Namespace(workers=None, worker_class=None, threads=None,
                                                                 save_session_every_request=False))
    gunicorns, here = {}, servers.REPO
    try:
        for name, repo in (("this", here), ("other", args.other.resolve())):
            gunicorns[name] = servers.Gunicorn(name, env, log_dir=work, workers=workers, repo=repo)
            gunicorns[name].start()
        loads = {name: bench_server.Load(g, seconds=args.seconds, connections=16, threads=2, redis_url=args.redis_url)
                 for name, g in gunicorns.items()}
        if args.pages:
            return compare_pages(args, loads, scenario)
        rounds = {name: [] for name in gunicorns}
        for number in range(args.rounds):
            for name in (["this", "other"] if number % 2 == 0 else ["other", "this"]):
                figure = bench_server.measure_posting(loads[name], scenario, rounds=1, posters=4).rounds[0]
                rounds[name].append(figure)
                print(f"round {number} {name:5s}: alone {figure['alone_rps']:5.1f}/s, under load "
                      f"{figure['rps']:5.1f}/s, ratio {figure['ratio']:.3f}, readers {figure['readers_rps']:5.1f}/s",
                      flush=True)
    finally:
        for g in gunicorns.values():
            g.stop()
    for name, figures in rounds.items():
        def median(key, figures=figures):
            return statistics.median(f[key] for f in figures)
        print(f"{name:5s} ({here if name == 'this' else args.other}): ratio {median('ratio'):.3f}, "
              f"alone {median('alone_rps'):.1f}/s, under load {median('rps'):.1f}/s, "
              f"readers {median('readers_rps'):.1f}/s (medians of {len(figures)} rounds)")
    return 0


def compare_pages(args, loads: dict, scenario) -> int:
    """``--pages``: a round of each version in turns, the order alternating, each a
    bench/server.py round (hello, the pages, hello); the first of each version warms up first."""
    pages = [p for p in bench_server.PAGES if p.name in args.pages]
    ratios = {(name, p.name): [] for name in loads for p in pages}
    for number in range(args.rounds):
        for name in (["this", "other"] if number % 2 == 0 else ["other", "this"]):
            figures = bench_server.measure_pages(loads[name], scenario, pages, rounds=1, warmup=number < 2)
            for figure in figures:
                measured = figure.rounds[0]
                ratios[(name, figure.page)].append(measured["ratio"])
                print(f"round {number} {name:5s} {figure.page:20s} ratio {measured['ratio']:.3f}, "
                      f"p50 {measured['p50_ms']:6.1f} ms, p99 {measured['p99_ms']:6.1f} ms "
                      f"(hello's p99 {measured['hello_p99_ms']:6.1f} ms)", flush=True)
    for page in pages:
        this, other = (statistics.median(ratios[(name, page.name)]) for name in ("this", "other"))
        print(f"{page.name:20s} this {this:.3f}, other ({args.other}) {other:.3f}: this/other {this / other:.2f} "
              f"(medians of {args.rounds} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
