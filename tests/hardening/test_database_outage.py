"""Point 7 of the hardening issue (and 11's "database stopped and restarted under a bounded
load"), over HTTP against gunicorn's 4 workers:

A few customers post expenses (one request after another each, from their own thread)
while the private PostgreSQL is stopped (``pg_ctl stop -m fast``) and started again. While
it is down, pages answer 503 with Retry-After and the branded page, the JSON overview a 503
in JSON, /health/ a 503. When it is back, the app recovers by itself: the time until
/health/ and a signed-in page answer 200 is the recovery time. Afterwards every expense
whose POST answered success (302 to the account's page) is in the database, none twice,
and ``manage.py recalculate_balances --check`` is green.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from tests.conftest import record_figure

from .checks import assert_branded_page, assert_json_error, assert_retry_after
from .conftest import PASSWORD, person
from .webclient import fresh_ip, login

pytestmark = pytest.mark.full

THREADS = 3
MAX_OPS_PER_THREAD = 400  # bounded load: at most this many form round trips per thread
LOAD_DEADLINE = 150  # seconds: no thread runs longer, whatever happens
SUCCESSES_BEFORE_STOP = 10
DOWN_SECONDS = 4
RECOVERY_BOUND = 30  # seconds after PostgreSQL accepts connections again
AFTER_RECOVERY_SECONDS = 2
DESCRIPTION = "hardening-load"


@pytest.fixture(scope="module")
def people(provision):
    return provision([
        *[person(f"outage-load{n}@example.com", accounts={"Load": "100000.00"}) for n in range(THREADS)],
        person("outage-observer@example.com", display_name="Olive Observer", accounts={"Watched": "10.00"}),
    ])


@dataclass
class Load:
    """What the load threads saw: every POST's one-time token and answer."""

    successes: list[str] = field(default_factory=list)
    post_statuses: Counter = field(default_factory=Counter)
    get_statuses: Counter = field(default_factory=Counter)
    connection_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def success_count(self) -> int:
        with self.lock:
            return len(self.successes)


def run_load(client, account_id: int, category_id: int, load: Load, stop: threading.Event, deadline: float):
    path = "/transactions/expense/new/"
    for _ in range(MAX_OPS_PER_THREAD):
        if stop.is_set() or time.monotonic() > deadline:
            return
        try:
            page = client.get(f"{path}?account={account_id}")
            with load.lock:
                load.get_statuses[page.status] += 1
            if page.status != 200:
                time.sleep(0.1)
                continue
            form = page.form("form_token")
            token = form.fields["form_token"]
            data = {**form.fields, "account": str(account_id), "category": str(category_id), "amount": "1.00",
                    "description": f"{DESCRIPTION} {token}"}
            response = client.post(path, data)
            with load.lock:
                load.post_statuses[response.status] += 1
                if response.status == 302 and response.location == f"/accounts/{account_id}/":
                    load.successes.append(token)
            if response.status != 302:
                time.sleep(0.1)
        except OSError as error:  # refused, reset, timed out: the app did not answer
            with load.lock:
                load.connection_errors.append(f"{type(error).__name__}: {error}")
            time.sleep(0.1)


def wait_for(condition, *, timeout: float, every: float = 0.1) -> float | None:
    """Seconds until ``condition()`` held, or None if it did not within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if condition():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(every)
    return None


def test_database_stopped_and_restarted_under_load(app_server, private_pg, people, manage_py):
    users, food = people["users"], people["categories"]["food"]
    clients = []
    for n in range(THREADS):
        client = app_server.client(ip=fresh_ip())
        assert login(client, f"outage-load{n}@example.com", PASSWORD).logged_in
        clients.append((client, users[f"outage-load{n}@example.com"]["accounts"]["Load"]))
    observer = app_server.client(ip=fresh_ip())
    assert login(observer, "outage-observer@example.com", PASSWORD).logged_in

    load, stop = Load(), threading.Event()
    deadline = time.monotonic() + LOAD_DEADLINE
    threads = [threading.Thread(target=run_load, args=(c, a, food, load, stop, deadline), daemon=True)
               for c, a in clients]
    down = {}
    try:
        for thread in threads:
            thread.start()
        assert wait_for(lambda: load.success_count() >= SUCCESSES_BEFORE_STOP, timeout=60) is not None, \
            f"the load did not get going: {load.post_statuses}, {load.get_statuses}, {load.connection_errors[:3]}"

        private_pg.stop(mode="fast")
        stopped_at = time.monotonic()
        successes_before = load.success_count()
        down["page"] = observer.get("/")
        down["json"] = observer.get_json("/dashboard/overview")
        down["health"] = app_server.client().get_json("/health/")
        time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - stopped_at)))

        private_pg.start()  # returns once PostgreSQL accepts connections: the recovery clock starts
        recovery = wait_for(lambda: app_server.client().get("/health/").status == 200
                            and observer.get("/").status == 200, timeout=RECOVERY_BOUND + 30)
        record_figure("hardening: database outage: recovery time after PostgreSQL is back (s)",
                      "never" if recovery is None else round(recovery, 2))
        time.sleep(AFTER_RECOVERY_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        if not private_pg.is_running():
            private_pg.start()
    assert not any(t.is_alive() for t in threads), "a load thread did not stop"

    record_figure("hardening: database outage: load (threads x at most ops)",
                  f"{THREADS} x {MAX_OPS_PER_THREAD}, down {DOWN_SECONDS}s")
    record_figure("hardening: database outage: POST answers", dict(load.post_statuses))
    record_figure("hardening: database outage: form GET answers", dict(load.get_statuses))

    # While it was down.
    assert_branded_page(down["page"], 503)
    assert_retry_after(down["page"])
    assert_json_error(down["json"], 503)
    assert down["health"].status == 503, f"/health/ with the database down: {down['health'].describe()}"

    # It came back by itself.
    assert recovery is not None and recovery <= RECOVERY_BOUND, (
        f"/health/ and a signed-in page did not both answer 200 within {RECOVERY_BOUND}s of PostgreSQL "
        f"accepting connections again (recovery: {recovery})")
    assert load.success_count() > successes_before, "no expense was posted after the database came back"

    # Every answer was a page the app meant: no 500, no dropped connection, nobody logged out.
    assert not load.connection_errors, f"requests the app did not answer: {load.connection_errors[:5]}"
    assert set(load.post_statuses) <= {302, 503}, f"POST answers: {dict(load.post_statuses)}"
    assert set(load.get_statuses) <= {200, 503}, f"form page answers: {dict(load.get_statuses)}"

    # Every success is in the database, once.
    rows = private_pg.query("SELECT description, count(*) FROM transactions_transaction "
                            "WHERE description LIKE %s GROUP BY description", (f"{DESCRIPTION} %",))
    stored = {description.split(" ", 1)[1]: count for description, count in rows}
    missing = [token for token in load.successes if token not in stored]
    doubled = {token: count for token, count in stored.items() if count > 1}
    record_figure("hardening: database outage: successful POSTs found in the database",
                  f"{len(load.successes) - len(missing)} of {len(load.successes)}")
    assert not missing, f"{len(missing)} expenses answered success but are not in the database: {missing[:5]}"
    assert not doubled, f"expenses stored more than once: {doubled}"

    check = manage_py("recalculate_balances", "--check", check=False)
    assert check.returncode == 0, f"recalculate_balances --check after the outage:\n{check.stdout}\n{check.stderr}"
