"""Server benchmark (issue 17): the pages as a deployed BankDash serves them, through gunicorn
in production settings, driven by wrk as many signed-in customers.

    .venv/bin/python bench/server.py                  # the full run (`make bench`): see bench/README.md
    .venv/bin/python bench/server.py --smoke          # seconds: tiny sizes, 1-second rounds (in `make test`)
    .venv/bin/python bench/server.py --sizes 1000 100000 --customers 0 --seconds 3 --rounds 2
    .venv/bin/python bench/server.py --worker-class gthread --workers 2 --threads 4   # another gunicorn layout
    .venv/bin/python bench/server.py --sizes 1000 --customers 2000 --reuse   # the last run's database again

What it does:

1. Seeds its own database (``bankdash_bench_server``, or BENCH_DATABASE_NAME; dropped and
   recreated, on the server of DATABASE_URL): one customer per size in ``--sizes`` (3 accounts,
   5 monthly budgets starting on the 1st, 3 alerts, that many entries over two years:
   bench/run.py's customer, bulk SQL from bench/bulkload.py), then ``--customers`` customers
   with ``--customer-entries`` entries each (2 accounts, 5 budgets). Balances and monthly
   totals are rebuilt from the rows, and ``recalculate_balances --check`` must agree.
   ``--reuse`` skips this and measures the customers an earlier run left (an A/B of two
   versions of the code on the same data, minutes apart).
2. Creates the sessions before the run (the database session store, which production's
   ``cached_db`` also reads): ``--sessions-per-customer`` for each sized customer (one person
   on many devices), one per customer of the many, each with a CSRF secret for postings.
3. Serves bench/production_settings.py (production settings plus the hello-world views of
   bench/urls.py) with gunicorn started by tests/hardening/servers.py, configured by the
   repository's gunicorn.conf.py unless ``--worker-class/--workers/--threads`` say otherwise,
   behind a pretend proxy (BEHIND_PROXY=true, X-Forwarded-Proto: https).
4. Measures with wrk (bench/wrk_sessions.lua: each request another session of the scenario),
   in ``--rounds`` rounds of ``--seconds`` per page: the logged-in hello at the start and the
   end of each round, the pages in between (in reverse order every other round). Each
   figure is requests per second as a ratio to that round's hello (the mean of its two
   runs), the median over the rounds, with p50/p99 latency, the target and pass/fail.
   With ``--redis-url``, each page's run of the many customers starts with no customer's page
   or ledger figures kept (the sessions stay): its requests are first visits, in every round
   alike; ``--repeat-visits`` measures them again after every customer has visited each page
   once (steady use: their pages kept). Budgets starting on the 15th and weekly budgets are
   measured on the largest customer by changing its budgets between rounds; posting an
   expense is measured alone and while others read dashboards, in alternating rounds.

A failed target is printed, never an error exit; an answer other than the expected status
(a 302 to the login page, a 500) makes the command fail, since the figure would be wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_NAME", "bankdash_bench_server")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

from bench.run import make_customer, recreate_database  # noqa: E402 (after the path and the settings)
from tests.hardening.servers import Gunicorn, manage, new_secret_key, production_env  # noqa: E402

LUA = Path(__file__).resolve().parent / "wrk_sessions.lua"
HELLO = "/bench/hello"
CSRF_ALPHABET = string.ascii_letters + string.digits
TOLERANCE = 0.90  # "as fast as" / "less than 10% lost": at least 0.90 of the reference ratio


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    target: float | None  # minimum ratio to the logged-in hello (issue 17), None: reported only


PAGES = [
    Page("overview", "/dashboard/overview", 0.60),
    Page("dashboard (HTML)", "/", 0.35),
    Page("transactions p1", "/transactions/", 0.35),
    Page("transactions p200", "/transactions/?page=200", 0.35),
    # The list's statements and its rows with no template or form (bench/urls.py): the most a
    # first visit of the list could reach with them, for reading transactions p1 against.
    Page("list ceiling", "/bench/list-ceiling", None),
    # The dashboard's selector with nothing rendered (bench/urls.py): its data's share of a first visit.
    Page("dashboard data", "/bench/dashboard-data", None),
    Page("accounts", "/accounts/", None),
    # No session, no database: above 1 by what the session and the user cost the logged-in hello.
    Page("hello anonymous", "/bench/hello-anonymous", None),
    Page("insights page", "/insights/", None),
    Page("insights spending", "/insights/spending", None),
    Page("insights cash-flow", "/insights/cash-flow", None),
    Page("insights top-merchants", "/insights/top-merchants", None),
    Page("insights health-score", "/insights/health-score", None),
    Page("insights burn-rate", "/insights/burn-rate", None),
]
BUDGET_PAGES = [p for p in PAGES if p.name in ("overview", "dashboard (HTML)")]
POSTING_TARGET = 0.50
P99_LIMIT = 2.0  # a page's p99 within twice the hello's p99 of the same round


@dataclass
class Scenario:
    name: str
    entries: int  # per customer
    readers: Path  # sessions file for wrk
    posters: Path | None = None
    budget_owner_id: int | None = None  # the customer whose budgets the budget variants change
    # Each page's run starts with no customer's page or figures kept (``forget_kept_pages``):
    # the many-customer case, whose requests are meant as first visits. Without it each round
    # revisited the customers of the rounds before (wrk starts at the same place of the
    # sessions file every run) and found more of their pages kept the later the round.
    cold: bool = False
    forgotten: int = 0  # keys deleted before the last run (cold)
    # Steady use (``--repeat-visits``): before the pages are measured, every customer of the
    # sessions file has visited each of them once, so every request finds its page kept, as a
    # customer's next visit does until their data changes (the page cache's key).
    repeat: bool = False


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


@dataclass
class Figure:
    scenario: str
    page: str
    target: float | None
    rounds: list[dict] = field(default_factory=list)  # {"rps", "ratio", "p50_ms", "p99_ms", "hello_p99_ms"}
    p99_rule: bool = True  # the page's p99 must stay within P99_LIMIT x the hello's

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.rounds)

    @property
    def p99_ok(self) -> bool:
        return self.median("p99_ms") <= P99_LIMIT * self.median("hello_p99_ms")

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.median("ratio") >= self.target and (self.p99_ok or not self.p99_rule)


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------

def seed_many_customers(count: int, entries: int, *, days: int) -> list:
    """``count`` customers with 2 accounts, ``entries`` entries each (bench/bulkload.py) and
    5 monthly budgets starting on the 1st."""
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.accounts.models import Account
    from apps.budgets.models import Budget
    from apps.transactions import services
    from apps.transactions.models import Category
    from apps.users.models import User
    from bench.bulkload import bulk_load

    today = timezone.localdate()
    opened = today - timedelta(days=days + 1)
    categories = dict(Category.objects.filter(owner__isnull=True).values_list("name", "pk"))
    limits = [("food", "600.00"), ("rent", "1500.00"), ("transport", "200.00"), ("shopping", "300.00"),
              ("entertainment", "150.00")]
    users, budgets = [], []
    with connection.cursor() as cursor:
        # A bench database: a commit need not wait for the disk (a crash would lose the last
        # commits, never consistency). Three commits a customer cost 15 ms each here otherwise.
        cursor.execute("SET synchronous_commit TO off")
    for i in range(count):
        with transaction.atomic():
            user = User.objects.create_user(f"bench-many-{i}@example.com", None, display_name=f"Customer {i}")
            accounts = [
                services.account_open(user=user, name="Checking", opening_balance=Decimal("8000.00"), opened_on=opened),
                services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS,
                                      opening_balance=Decimal("3000.00"), opened_on=opened),
            ]
            bulk_load(user=user, accounts=accounts, rows=entries, last_day=today, days=days)
        budgets += [Budget(owner=user, category_id=categories[name], limit=Decimal(limit),
                           start_date=today.replace(year=today.year - 1, day=1), currency=user.default_currency)
                    for name, limit in limits]
        users.append(user)
    Budget.objects.bulk_create(budgets)
    return users


def reused_customers(prefix: str, count: int) -> list:
    """``--reuse``: the first ``count`` customers an earlier run seeded whose email starts with
    ``prefix``, in the order it made them; SystemExit when the database does not have them."""
    from apps.users.models import User

    users = list(User.objects.filter(email__startswith=prefix).order_by("pk")[:count])
    if len(users) < count:
        raise SystemExit(f"--reuse: {len(users)} customers {prefix}* in the database, {count} needed: "
                         "run once without --reuse with the same --sizes and --customers")
    return users


def analyze() -> None:
    """VACUUM ANALYZE: the statistics, and the visibility map that lets index-only scans skip
    the table. A real ledger of this size has been through autovacuum many times; a table
    bulk-loaded a minute ago has not, and every index-only scan would still visit its rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def check_ledger() -> str:
    """``recalculate_balances --check``: raises if a balance or a monthly total disagrees with the rows."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("recalculate_balances", "--check", stdout=out, stderr=out)
    except SystemExit as exit_:
        if exit_.code:
            raise RuntimeError(f"recalculate_balances --check found differences:\n{out.getvalue()}") from None
    return out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "ok"


def write_sessions(path: Path, users_and_counts: list[tuple[object, int]]) -> None:
    """One line per session: session key, CSRF secret, the customer's first open account
    and the "food" category (for postings). Sessions are created as a login would
    (user id, backend, the session hash), in the database session store."""
    from apps.accounts.models import Account
    from apps.transactions.models import Category

    food = Category.objects.get(owner__isnull=True, name="food").pk
    lines = []
    for user, count in users_and_counts:
        account = Account.objects.filter(owner=user, closed_on__isnull=True).order_by("pk").values_list("pk")[0][0]
        for _ in range(count):
            csrf = "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
            lines.append(f"{signed_in_session(user)} {csrf} {account} {food}")
    path.write_text("\n".join(lines) + "\n")


def signed_in_session(user, *, seconds: int = 6 * 60 * 60) -> str:
    """A new session of ``user`` in the database session store, as a login makes it (user id,
    backend, session hash): its key. (The server renews it to 15 minutes on first use.)"""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(seconds)
    session.create()
    return session.session_key


def set_budgets(owner_id: int, *, period: str, start_day: int) -> None:
    from django.utils import timezone

    from apps.budgets.models import Budget

    today = timezone.localdate()
    Budget.objects.filter(owner_id=owner_id).update(
        period=period, start_date=today.replace(year=today.year - 1, day=start_day))


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------

class Load:
    def __init__(self, server: Gunicorn, *, seconds: int, connections: int, threads: int, redis_url: str = ""):
        self.server, self.seconds, self.connections, self.threads = server, seconds, connections, threads
        self.redis_url = redis_url

    def forget_kept_pages(self) -> int:
        """Delete every key of the server's Redis database but the sessions: the pages kept
        (apps.core.pagecache) and the ledger figures (apps.dashboard.selectors) of every
        customer, so that the next run's requests are first visits. The number deleted."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            doomed = [key for key in client.scan_iter(count=1000) if b"sessions" not in key]
            for start in range(0, len(doomed), 1000):
                client.delete(*doomed[start:start + 1000])
            return len(doomed)
        finally:
            client.close()

    def visit_every_session(self, path: str, sessions: Path, *, at_once: int = 8) -> int:
        """GET ``path`` once as each session of the file (``at_once`` at a time), as wrk sends it:
        each customer's page and ledger figures are then kept, as after their first visit. The
        number of visits; an answer other than 200 is an error."""
        import http.client
        from concurrent.futures import ThreadPoolExecutor

        ids = [line.split()[0] for line in sessions.read_text().splitlines() if line.strip()]
        host, port = self.server.origin.removeprefix("http://").rsplit(":", 1)

        def visit(numbered: tuple[int, str]) -> int:
            number, sid = numbered
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            try:
                connection.request("GET", path, headers={
                    "Cookie": f"sessionid={sid}", "X-Forwarded-Proto": "https",
                    "X-Forwarded-For": f"10.9.{number % 250}.1"})
                response = connection.getresponse()
                response.read()
                return response.status
            finally:
                connection.close()

        with ThreadPoolExecutor(at_once) as pool:
            statuses = list(pool.map(visit, enumerate(ids)))
        wrong = [status for status in statuses if status != 200]
        if wrong:
            raise RuntimeError(f"{path}: {len(wrong)} of {len(ids)} visits answered {wrong[0]}, not 200")
        return len(statuses)

    def command(self, path: str, sessions: Path, *, method: str = "GET", seconds: int | None = None,
                connections: int | None = None) -> tuple[list[str], dict]:
        connections = connections or self.connections
        threads = max(1, min(self.threads, connections))
        env = {**os.environ, "BENCH_SESSIONS": str(sessions), "BENCH_PATH": path, "BENCH_METHOD": method,
               "BENCH_EXPECT": "302" if method == "POST" else "200", "BENCH_DATE": date.today().isoformat()}
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds or self.seconds}s", "--timeout", "10s",
               "-s", str(LUA), f"{self.server.origin}/"]
        return cmd, env

    @staticmethod
    def result(path: str, stdout: str, *, allow_none: bool = False) -> Run:
        line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCH-RESULT ")), None)
        if line is None:
            raise RuntimeError(f"wrk printed no result for {path}:\n{stdout}")
        r = json.loads(line.split(" ", 1)[1])
        if r["unexpected"] or r["errors"] or not (r["requests"] or allow_none):
            raise RuntimeError(f"{path}: {r['unexpected']} unexpected answers (e.g. {r['example']!r}), "
                               f"{r['errors']} socket errors, {r['requests']} requests:\n{stdout}")
        return Run(rps=r["requests"] / (r["duration_us"] / 1e6), p50_ms=r["p50_us"] / 1000,
                   p99_ms=r["p99_us"] / 1000, requests=r["requests"])

    def run(self, path: str, sessions: Path, *, allow_none: bool = False, retry: bool = True, **kwargs) -> Run:
        """One wrk run; ``allow_none``: no answer within the run is fine (a warm-up of a slow page).
        A run that got no answer at all is run once more, three times as long, before that is an
        error: a 1-second smoke round on a slow machine with CI's other test worker busy beside it
        can end before the first answer comes."""
        cmd, env = self.command(path, sessions, **kwargs)
        seconds = kwargs.get("seconds") or self.seconds
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=(seconds + 60) * 2)
        if out.returncode != 0:
            raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr}")
        if retry and not allow_none and self.result(path, out.stdout, allow_none=True).requests == 0:
            return self.run(path, sessions, retry=False, **{**kwargs, "seconds": 3 * seconds})
        return self.result(path, out.stdout, allow_none=allow_none)

    def start(self, path: str, sessions: Path, **kwargs) -> subprocess.Popen:
        cmd, env = self.command(path, sessions, **kwargs)
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def measure_pages(load: Load, scenario: Scenario, pages: list[Page], *, rounds: int, warmup: bool,
                  label: str | None = None) -> list[Figure]:
    name = label or scenario.name
    if scenario.repeat:
        for page in pages:
            started = time.perf_counter()
            visits = load.visit_every_session(page.path, scenario.readers)
            print(f"    {page.name}: every customer's first visit ({visits:,}) in {time.perf_counter() - started:.0f}s",
                  flush=True)
    if warmup:
        for page in [Page("hello", HELLO, None), *pages]:
            load.run(page.path, scenario.readers, seconds=2, allow_none=True)
    figures = {p.name: Figure(name, p.name, p.target) for p in pages}
    for number in range(rounds):
        first = load.run(HELLO, scenario.readers)
        runs = {}
        for page in pages if number % 2 == 0 else pages[::-1]:
            if scenario.cold:
                scenario.forgotten = load.forget_kept_pages()
            runs[page.name] = load.run(page.path, scenario.readers)
        last = load.run(HELLO, scenario.readers)
        hello_rps = (first.rps + last.rps) / 2
        hello_p99 = (first.p99_ms + last.p99_ms) / 2
        for page_name, run in runs.items():
            figures[page_name].rounds.append({"rps": run.rps, "ratio": run.rps / hello_rps, "p50_ms": run.p50_ms,
                                              "p99_ms": run.p99_ms, "hello_rps": hello_rps,
                                              "hello_p99_ms": hello_p99})
    return list(figures.values())


def measure_posting(load: Load, scenario: Scenario, *, rounds: int, posters: int) -> Figure:
    """Posting an expense alone, then while the scenario's readers load the dashboard, in
    alternating rounds; the ratio is posts per second under read load / alone."""
    figure = Figure(scenario.name, "posting under read load", POSTING_TARGET, p99_rule=False)
    for _ in range(rounds):
        alone = load.run("/transactions/expense/new/", scenario.posters, method="POST", connections=posters)
        readers = load.start("/", scenario.readers, seconds=load.seconds + 2)
        time.sleep(0.5)
        loaded = load.run("/transactions/expense/new/", scenario.posters, method="POST", connections=posters)
        out, err = readers.communicate(timeout=load.seconds + 120)
        read = load.result("/", out)
        figure.rounds.append({"rps": loaded.rps, "ratio": loaded.rps / alone.rps, "p50_ms": loaded.p50_ms,
                              "p99_ms": loaded.p99_ms, "hello_rps": alone.rps, "hello_p99_ms": alone.p99_ms,
                              "alone_rps": alone.rps, "readers_rps": read.rps})
    return figure


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def verdict(passed: bool | None) -> str:
    return "-" if passed is None else ("pass" if passed else "FAIL")


def print_table(figures: list[Figure]) -> None:
    print()
    print("Requests per second as a ratio to the logged-in hello of the same round (median of the rounds); "
          "latency of the page vs the hello's p99")
    header = (f"{'scenario':<40} {'page':<24} {'req/s':>7} {'ratio':>6} {'target':>6} {'p50 ms':>7} {'p99 ms':>7}"
              f" {'hello p99':>9} {'p99<=2x':>7} {'verdict':>7}")
    print(header)
    print("-" * len(header))
    for f in figures:
        target = f"{f.target:.2f}" if f.target is not None else "-"
        print(f"{f.scenario:<40} {f.page:<24} {f.median('rps'):>7.1f} {f.median('ratio'):>6.3f} {target:>6}"
              f" {f.median('p50_ms'):>7.1f} {f.median('p99_ms'):>7.1f} {f.median('hello_p99_ms'):>9.1f}"
              f" {('yes' if f.p99_ok else 'NO') if f.p99_rule else '-':>7} {verdict(f.passed):>7}")


def comparisons(figures: list[Figure], *, small: str | None, large: str | None, budget_base: str | None) -> list[str]:
    """Each page's ratio at the largest size vs 1,000 entries; budgets on the 15th and weekly vs
    on the 1st: at least TOLERANCE of the reference (pass/fail)."""
    by = {(f.scenario, f.page): f for f in figures}
    lines = []

    def compare(what: str, reference: Figure | None, other: Figure | None) -> None:
        if reference is None or other is None:
            return
        kept = other.median("ratio") / reference.median("ratio")
        lines.append(f"{what:<72} {kept:>6.2f}x  (target >= {TOLERANCE:.2f})  {verdict(kept >= TOLERANCE)}")

    if small and large and small != large:
        for page in PAGES:
            compare(f"{page.name}: {large} vs {small}", by.get((small, page.name)), by.get((large, page.name)))
    if budget_base:
        for variant in ("budgets on the 15th", "weekly budgets"):
            for page in BUDGET_PAGES:
                compare(f"{page.name}: {variant} vs on the 1st ({budget_base})",
                        by.get((budget_base, page.name)), by.get((f"{budget_base}, {variant}", page.name)))
    return lines


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "127.0.0.1", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def static_files_collected() -> bool:
    """True when production's manifest (staticfiles/staticfiles.json) is newer than every file of
    the static directories (STATICFILES_DIRS and the apps' static/): collectstatic would change nothing."""
    from django.apps import apps
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    sources = [Path(d[1] if isinstance(d, tuple) else d) for d in settings.STATICFILES_DIRS]
    sources += [Path(app.path) / "static" for app in apps.get_app_configs()]
    return all(f.stat().st_mtime <= built for d in sources if d.is_dir() for f in d.rglob("*") if f.is_file())


def gunicorn_layout(args) -> tuple[int, dict]:
    """(workers, GUNICORN_CMD_ARGS) from the options, else from the repository's gunicorn.conf.py."""
    conf = ROOT / "gunicorn.conf.py"
    values = runpy.run_path(str(conf)) if conf.exists() else {}
    workers = args.workers or values.get("workers") or 5
    extra = []
    if args.worker_class:
        extra += ["--worker-class", args.worker_class]
    threads = args.threads or (1 if args.worker_class == "sync" else None)  # threads > 1 would make it gthread
    if threads:
        extra += ["--threads", str(threads)]
    env = {"GUNICORN_CMD_ARGS": " ".join(extra)} if extra else {}
    if args.save_session_every_request:
        env["BENCH_SAVE_SESSION_EVERY_REQUEST"] = "1"
    return int(workers), env


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 100_000, 1_000_000],
                        help="entries of the one-customer histories (default 1000 100000 1000000)")
    parser.add_argument("--customers", type=int, default=2_000, help="customers of the many-customer case "
                        "(default 2000; 0 leaves it out)")
    parser.add_argument("--customer-entries", type=int, default=500, help="entries of each of them (default 500)")
    parser.add_argument("--sessions-per-customer", type=int, default=50,
                        help="sessions of each one-customer history (default 50)")
    parser.add_argument("--days", type=int, default=730, help="days the histories span, ending today (default 730)")
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per scenario (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections of the readers (default 16)")
    parser.add_argument("--posters", type=int, default=4, help="wrk connections posting expenses (default 4)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--pages", nargs="*", help="only these pages (names as printed, e.g. overview)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the 2-second warm-up of each page")
    parser.add_argument("--no-budgets", action="store_true", help="skip the budget-period variants")
    parser.add_argument("--no-posting", action="store_true", help="skip posting under read load")
    parser.add_argument("--worker-class", help="gunicorn worker class (default: gunicorn.conf.py's)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--save-session-every-request", action="store_true",
                        help="the sessions as before issue 17: saved on every request (to measure the difference)")
    parser.add_argument("--redis-url", default="", help="serve with REDIS_URL set (cache and cached_db sessions)")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="serve with PAGE_CACHE=false: every page made on every request (apps.core.pagecache)")
    parser.add_argument("--json", type=Path, help="also write every round's figures to this file")
    parser.add_argument("--repeat-visits", action="store_true",
                        help="with --redis-url: also measure the many customers' repeat visits (each customer's "
                             "pages kept from a first visit of every page before the rounds), the pages with "
                             "targets unless --pages says otherwise")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database an earlier run seeded with the same --sizes and --customers "
                             "(minutes rather than the seeding's quarter of an hour: for A/B runs of the code; "
                             "its postings stay in it)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny and quick (200 entries, 2 customers x 100, 1-second rounds, 1 round): "
                             "checks that every figure is printed")
    args = parser.parse_args(argv)
    if args.repeat_visits and not args.redis_url:
        # Without Redis each gunicorn worker keeps its own pages: a repeat visit finds its page
        # only when it reaches the worker that made it.
        parser.error("--repeat-visits needs --redis-url (the page cache shared by the workers)")
    if args.smoke:  # new defaults; options given on the command line still win
        parser.set_defaults(sizes=[200], customers=2, customer_entries=100, sessions_per_customer=2, seconds=1,
                            rounds=1, connections=2, posters=1, wrk_threads=1, no_warmup=True, workers=2)
        args = parser.parse_args(argv)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk (Debian)", file=sys.stderr)
        return 2
    secret_key = new_secret_key()
    os.environ["SECRET_KEY"] = secret_key  # the sessions made here must verify in gunicorn
    started_all = time.perf_counter()

    import django

    if not args.reuse:
        recreate_database()
    django.setup()
    from django.core.management import call_command

    print("Migrating the benchmark database ...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"Migrated in {time.perf_counter() - started_all:.1f}s", flush=True)

    work = Path(tempfile.mkdtemp(prefix="bankdash-bench-server-"))
    scenarios: list[Scenario] = []
    try:
        for rows in sorted(set(args.sizes)):
            started = time.perf_counter()
            user = reused_customers(f"bench-{rows}@", 1)[0] if args.reuse else \
                make_customer(rows, days=args.days, budget_day=1)
            readers = work / f"sessions-{rows}.txt"
            write_sessions(readers, [(user, args.sessions_per_customer)])
            scenarios.append(Scenario(f"{rows:,} entries", rows, readers, posters=readers, budget_owner_id=user.pk))
            print(f"{rows:>9,} entries for one customer loaded in {time.perf_counter() - started:.1f}s", flush=True)
        if args.customers:
            started = time.perf_counter()
            users = reused_customers("bench-many-", args.customers) if args.reuse else \
                seed_many_customers(args.customers, args.customer_entries, days=args.days)
            posting = max(1, len(users) // 10)  # a tenth of them post, the others read
            readers, posters = work / "sessions-many.txt", work / "posters-many.txt"
            write_sessions(readers, [(u, 1) for u in users[posting:]] or [(users[0], 1)])
            write_sessions(posters, [(u, 1) for u in users[:posting]])
            scenarios.append(Scenario(f"{args.customers:,} customers x {args.customer_entries:,}",
                                      args.customer_entries, readers, posters=posters, cold=bool(args.redis_url)))
            if args.repeat_visits and args.redis_url:
                scenarios.append(Scenario(f"{args.customers:,} customers, repeat visits", args.customer_entries,
                                          readers, repeat=True))
            print(f"{args.customers:,} customers x {args.customer_entries:,} entries loaded in "
                  f"{time.perf_counter() - started:.1f}s", flush=True)
        if not args.reuse:
            analyze()
        print(f"recalculate_balances --check: {check_ledger()}", flush=True)

        workers, layout = gunicorn_layout(args)
        env = production_env(database_url=database_url(), secret_key=secret_key,
                             settings_module="bench.production_settings", **layout,
                             **({"REDIS_URL": args.redis_url} if args.redis_url else {}),
                             **({"PAGE_CACHE": "false"} if args.no_page_cache else {}))
        started = time.perf_counter()
        if static_files_collected():
            print("collectstatic skipped: staticfiles/ is newer than every static file", flush=True)
        else:
            manage(env, "collectstatic", "--noinput", "-v", "0")
            print(f"collectstatic in {time.perf_counter() - started:.1f}s", flush=True)
        started = time.perf_counter()
        server = Gunicorn("bench", env, log_dir=work, workers=workers)
        server.start()
        print(f"gunicorn answering in {time.perf_counter() - started:.1f}s", flush=True)
        print(f"gunicorn: {workers} workers, {layout.get('GUNICORN_CMD_ARGS') or 'the rest from gunicorn.conf.py'}, "
              f"{'sessions saved on every request ' if args.save_session_every_request else ''}"
              f"on {server.origin}; wrk -t{args.wrk_threads} -c{args.connections} -d{args.seconds}s, "
              f"{args.rounds} rounds", flush=True)
        try:
            figures = run_scenarios(args, server, scenarios)
        finally:
            server.stop()
        print(f"recalculate_balances --check after the postings: {check_ledger()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print_table(figures)
    single = [s for s in scenarios if s.budget_owner_id is not None]
    lines = comparisons(figures, small=single[0].name if single else None, large=single[-1].name if single else None,
                        budget_base=single[-1].name if single and not args.no_budgets else None)
    if lines:
        print()
        print("Compared with the same page at the first size / with budgets on the 1st:")
        print("\n".join(lines))
    print()
    print(f"Whole run: {time.perf_counter() - started_all:.0f}s")
    if args.json:
        args.json.write_text(json.dumps([f.__dict__ for f in figures], indent=1))
    return 0


def run_scenarios(args, server: Gunicorn, scenarios: list[Scenario]) -> list[Figure]:
    load = Load(server, seconds=args.seconds, connections=args.connections, threads=args.wrk_threads,
                redis_url=args.redis_url)
    pages = [p for p in PAGES if not args.pages or p.name in args.pages]
    figures = []
    single = [s for s in scenarios if s.budget_owner_id is not None]
    posting = [s for s in scenarios if s.posters is not None]
    for scenario in scenarios:
        print(f"Measuring {scenario.name} ...", flush=True)
        shown = [p for p in pages if p.target is not None or args.pages] if scenario.repeat else pages
        figures += measure_pages(load, scenario, shown, rounds=args.rounds, warmup=not args.no_warmup)
        if scenario.cold:
            print(f"First visits: before each page's run the kept pages and figures were forgotten "
                  f"({scenario.forgotten} keys before the last one)", flush=True)
        if scenario is (single[-1] if single else None) and not args.no_budgets:
            budget_pages = [p for p in BUDGET_PAGES if p in pages]
            for variant, period, day in [("budgets on the 15th", "monthly", 15), ("weekly budgets", "weekly", 1)]:
                set_budgets(scenario.budget_owner_id, period=period, start_day=day)
                figures += measure_pages(load, scenario, budget_pages, rounds=args.rounds,
                                         warmup=not args.no_warmup, label=f"{scenario.name}, {variant}")
            set_budgets(scenario.budget_owner_id, period="monthly", start_day=1)
        if scenario.posters is not None and not args.no_posting and (
                scenario is posting[-1] or scenario is (single[-1] if single else None)):
            figures.append(measure_posting(load, scenario, rounds=args.rounds, posters=args.posters))
    return figures


if __name__ == "__main__":
    sys.exit(main())
