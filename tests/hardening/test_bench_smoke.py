"""bench/server.py cannot rot: a tiny run (gunicorn in production settings, wrk as signed-in
customers) must print every figure. The figures themselves are not judged here (1-second
rounds on a busy machine say nothing); `make bench` measures them.

The default tier runs a few pages with posting under read load (about 15 s: migrating the
benchmark's database is most of it); the full tier runs the whole smoke run (every page, the
budget variants, the many-customer case), with Redis (database 11) when one answers, so that
the many customers' runs start with their kept pages forgotten (first visits), and then their
repeat visits (``--repeat-visits``: every customer's pages visited once before the rounds)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.helpers import database_url
from tests.tiers import by_tier

from .servers import INHERITED_ENV, PYTHON, REPO

DEFAULT_TIER = ["--customers", "0", "--no-budgets", "--pages", "overview", "dashboard (HTML)"]
REDIS_URL = "redis://127.0.0.1:6379/11"  # this test's own


def empty_redis() -> bool:
    """Empty this test's Redis database; False when no Redis answers."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
        return True
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        if os.environ.get("CI"):
            pytest.fail("wrk is not installed (apt-get install -y wrk): the benchmark's smoke run needs it")
        pytest.skip("wrk is not installed (apt-get install -y wrk)")


def test_the_server_benchmark_prints_every_figure(wrk):
    db = settings.DATABASES["default"]
    test_db = db.get("TEST", {}).get("NAME") or f"test_{db['NAME']}"
    env = {key: os.environ[key] for key in INHERITED_ENV if key in os.environ}
    env.update(DATABASE_URL=database_url("postgres"), BENCH_DATABASE_NAME=f"{test_db}_bench_smoke")
    extra = by_tier(DEFAULT_TIER, [])
    cold = not extra and empty_redis()
    if cold:
        extra = ["--redis-url", REDIS_URL, "--repeat-visits"]
    result = subprocess.run([str(PYTHON), "bench/server.py", "--smoke", *extra], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "recalculate_balances --check: All balances and monthly totals match the ledger." in output
    assert "after the postings: All balances and monthly totals match the ledger." in output

    pages = (["overview", "dashboard (HTML)"] if extra and not cold else
             ["overview", "dashboard (HTML)", "transactions p1", "transactions p200", "list ceiling", "dashboard data",
              "accounts",
              "hello anonymous",
              "insights page", "insights spending", "insights cash-flow", "insights top-merchants",
              "insights health-score", "insights burn-rate"])
    scenarios = ["200 entries"] if extra and not cold else ["200 entries", "2 customers x 100"]
    number = r"\d+\.\d+"
    for scenario in scenarios:
        for page in pages:
            row = rf"^{re.escape(scenario)}\s+{re.escape(page)}\s+{number}\s+{number}\s+(\S+)\s+{number}\s+{number}\s+"
            assert re.search(row, output, re.MULTILINE), f"no figure for {scenario} / {page}:\n{output[-6000:]}"
        assert re.search(rf"^{re.escape(scenario)}\s+posting under read load\s+{number}\s+{number}\s+0\.50\s.*"
                         r"(pass|FAIL)$", output, re.MULTILINE), output[-6000:]
    if cold:  # the many customers' pages were made on every run, and forgotten before the next
        forgotten = re.search(r"^First visits: .*\((\d+) keys before the last one\)", output, re.MULTILINE)
        assert forgotten and int(forgotten.group(1)) > 0, output[-6000:]
        # Their repeat visits: the pages with targets, each visited first by the one reader (the
        # other of the two customers posts), without posting (measured with the first visits).
        for page in ("overview", "dashboard (HTML)", "transactions p1", "transactions p200"):
            assert re.search(rf"^    {re.escape(page)}: every customer's first visit \(1\) in ", output,
                             re.MULTILINE), output[-6000:]
            assert re.search(rf"^2 customers, repeat visits\s+{re.escape(page)}\s+{number}\s+{number}\s+0\.[36]",
                             output, re.MULTILINE), output[-6000:]
        assert not re.search(r"^2 customers, repeat visits\s+(accounts|insights|posting)", output, re.MULTILINE)
    if not extra or cold:
        for variant in ("budgets on the 15th", "weekly budgets"):
            assert re.search(rf"^200 entries, {variant}\s+overview\s+{number}", output, re.MULTILINE), output[-6000:]
            assert re.search(rf"^overview: {variant} vs on the 1st \(200 entries\)\s+{number}x", output,
                             re.MULTILINE), output[-6000:]


def test_repeat_visits_are_refused_without_redis():
    """Without Redis each worker keeps its own pages, so a 'repeat visit' would often make its
    page again: the option says what it needs instead of printing such figures."""
    result = subprocess.run([str(PYTHON), "bench/server.py", "--smoke", "--repeat-visits"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--repeat-visits needs --redis-url" in result.stderr
