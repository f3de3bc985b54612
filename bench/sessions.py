"""What saving the session on every request cost the logged-in hello (issue 17, point 3).

    .venv/bin/python bench/sessions.py                                         # database sessions
    REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/sessions.py     # cached_db + Redis

Through Django's test client (no server: the session's share of a request is clearer without
the network and the other processes), production's session settings (15-minute idle expiry),
request by request in turns: the anonymous hello (no session), the logged-in hello with the
session saved on every request (production until issue 17), and the logged-in hello with
the renewal at most once a minute (production now: apps.core.middleware.SessionMiddleware).
Its own database (``bankdash_bench_sessions``), dropped and recreated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_sessions")

from bench.run import measure_round, recreate_database  # noqa: E402 (after the path and the name)


class SettingsClient:
    """A test client whose requests run with some settings overridden."""

    def __init__(self, client, **overrides):
        self.client, self.overrides = client, overrides

    def get(self, url):
        from django.test import override_settings

        with override_settings(**self.overrides):
            return self.client.get(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one round (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()

    import django

    recreate_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.users.models import User

    call_command("migrate", verbosity=0, interactive=False)
    production = {"SESSION_COOKIE_AGE": 15 * 60, "SESSION_EXPIRE_AT_BROWSER_CLOSE": True, "SESSION_RENEW_INTERVAL": 60}
    every = Client()
    every.force_login(User.objects.create_user("every@example.com", "bench-password"))
    renewed = Client()
    renewed.force_login(User.objects.create_user("renewed@example.com", "bench-password"))
    requests = [
        ("hello anonymous", Client(), "/bench/hello-anonymous"),
        ("saved every request", SettingsClient(every, SESSION_SAVE_EVERY_REQUEST=True, **production), "/bench/hello"),
        ("renewed once a minute", SettingsClient(renewed, SESSION_SAVE_EVERY_REQUEST=False, **production),
         "/bench/hello"),
    ]
    measure_round(requests, 1.0)  # warm-up (and the renewal's first save)
    for name, client, url in requests[1:]:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{name}: {len(queries)} queries: " + "; ".join(q["sql"][:60] for q in queries.captured_queries))
    rounds = [measure_round(requests, args.seconds) for _ in range(args.rounds)]
    print(f"\nSession engine: {settings.SESSION_ENGINE}; cache: {settings.CACHES['default']['BACKEND']}")
    print(f"{'view':<24} {'req/s':>8} {'vs saved every request':>23}")
    for name, _, _ in requests:
        rps = statistics.median(r[name] for r in rounds)
        ratio = statistics.median(r[name] / r["saved every request"] for r in rounds)
        print(f"{name:<24} {rps:>8.0f} {ratio:>22.2f}x")


if __name__ == "__main__":
    main()
