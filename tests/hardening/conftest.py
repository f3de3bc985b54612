"""The hardening suite proves the issue's points from outside: BankDash served by gunicorn
in production settings on 127.0.0.1, driven over HTTP.

Session fixtures, each created on first use and always torn down (finalizers registered
before anything is started, so a failed start is cleaned up too):

- ``private_pg``: a PostgreSQL cluster of its own (initdb into a temporary directory, a free
  port of 127.0.0.1, pg_ctl), so a test may stop it and start it again. Binaries: those the
  ``pgserver`` package ships in the venv, else Debian's. As root it runs as an unprivileged
  system user (PostgreSQL refuses root).
- ``migrated_db``: ``manage.py migrate`` and ``collectstatic`` (production serves the hashed
  static files from staticfiles/, as a deploy would) against that cluster.
- ``app_server``: gunicorn with 4 workers, production settings, BEHIND_PROXY=true so each
  client picks its address with X-Forwarded-For (``fresh_ip()``): tests do not share
  per-IP counters unless they mean to.
- ``provision``: creates people (password, staff, TOTP key, accounts) through
  ``provision.py`` run with the same settings.

Nothing here uses pytest-django's test database (no ``django_db`` mark anywhere): the app
reads and writes only the private cluster, which the tests read with psycopg.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.conftest import record_figure

from .servers import REPO, Gunicorn, PrivatePostgres, manage, new_secret_key, production_env, run_script

HERE = Path(__file__).resolve().parent
ARTIFACTS = REPO / "test-artifacts" / "hardening"
WORKERS = 4

PASSWORD = "Hardening-Horse-Battery-417"
WRONG_PASSWORD = "Not-The-Password-000"


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

def person(email: str, *, display_name: str | None = None, password: str = PASSWORD, staff: bool = False,
           totp_key: str | None = None, accounts: dict[str, str] | None = None) -> dict:
    """One user for ``provision``: ``accounts`` maps an account name to its opening balance."""
    return {
        "email": email, "password": password, "display_name": display_name or email.split("@")[0],
        "staff": staff, "totp_key": totp_key,
        "accounts": [{"name": name, "opening_balance": balance} for name, balance in (accounts or {}).items()],
    }


def totp_code(key_hex: str, *, steps_from_now: int = 0) -> str:
    return f"{totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=steps_from_now):06d}"


def wrong_code(key_hex: str) -> str:
    """A six-digit code the device rejects now (none of the codes of the steps around now)."""
    near = {totp_code(key_hex, steps_from_now=d) for d in range(-3, 4)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def secret_key() -> str:
    return new_secret_key()


@pytest.fixture(scope="session")
def terminate_cleanly():
    """A SIGTERM (a CI job cancelled, a timeout around pytest) becomes a KeyboardInterrupt, so
    pytest still runs the finalizers that stop gunicorn and PostgreSQL."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}: stopping the hardening servers")

    signal.signal(signal.SIGTERM, interrupt)
    yield
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(scope="session")
def private_pg(request, artifacts, terminate_cleanly) -> PrivatePostgres:
    pg = PrivatePostgres()
    request.addfinalizer(lambda: pg.destroy(keep_logs_in=artifacts))
    started = time.monotonic()
    pg.init()
    pg.start()
    pg.create_database()
    record_figure("hardening: private PostgreSQL", f"{pg.bin} on port {pg.port}, up in "
                                                   f"{time.monotonic() - started:.1f}s")
    return pg


@pytest.fixture(scope="session")
def app_env(private_pg, secret_key) -> dict:
    """The production environment of every process of the app (gunicorn, manage.py)."""
    return production_env(database_url=private_pg.url(), secret_key=secret_key)


@pytest.fixture(scope="session")
def migrated_db(private_pg, app_env) -> PrivatePostgres:
    manage(app_env, "migrate", "--noinput", "-v", "0")
    manage(app_env, "collectstatic", "--noinput", "-v", "0")
    return private_pg


@pytest.fixture(scope="session")
def start_gunicorn(request, migrated_db, artifacts):
    """Start a gunicorn (stopped at the end of the session, or earlier by the caller)."""

    def start(name: str, env: dict, *, workers: int = WORKERS) -> Gunicorn:
        server = Gunicorn(name, env, log_dir=artifacts, workers=workers)
        server.log.write_bytes(b"")
        request.addfinalizer(server.stop)
        server.start()
        return server

    return start


@pytest.fixture(scope="session")
def app_server(start_gunicorn, app_env) -> Gunicorn:
    """gunicorn bankdash.wsgi, 4 workers, production settings, BEHIND_PROXY=true."""
    server = start_gunicorn("app", app_env)
    record_figure("hardening: gunicorn workers", WORKERS)
    return server


@pytest.fixture(scope="session")
def provision(migrated_db, app_env):
    """``provision([person(...), ...])`` -> {"users": {email: {"id", "email", "accounts"}}, "categories"}."""

    def create(people: list[dict]) -> dict:
        out = run_script(app_env, HERE / "provision.py", json.dumps({"users": people}))
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("HARDENING-RESULT ")), None)
        assert line is not None, f"provision.py printed no result:\n{out.stdout}\n{out.stderr}"
        return json.loads(line.split(" ", 1)[1])

    return create


@pytest.fixture(scope="session")
def manage_py(migrated_db, app_env):
    """``manage_py("recalculate_balances", "--check", check=False)`` against the private database."""

    def run(*args: str, check: bool = True, timeout: float = 180):
        return manage(app_env, *args, check=check, timeout=timeout)

    return run
