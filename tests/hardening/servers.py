"""The processes the hardening suite drives from outside: a private PostgreSQL it may stop
and start, gunicorn serving BankDash in production settings, and manage.py against that
database. Every wait has a deadline; every process started here is stopped by its own pid
(gunicorn by its own process group, which it leads)."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from .webclient import WebClient

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin" if (REPO / ".venv" / "bin" / "python").exists() else Path(sys.executable).parent
PYTHON = VENV_BIN / "python"
GUNICORN = VENV_BIN / "gunicorn"
HOST = "127.0.0.1"

# Only these survive from the caller's environment: the app must get its configuration from
# what we set (pytest-django exports DJANGO_SETTINGS_MODULE=bankdash.settings.test, for one).
INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "SYSTEMROOT")


@functools.cache
def gunicorn_extra_options() -> tuple[str, ...]:
    """gunicorn 25+ opens a control socket at one fixed path per user: each of our servers
    would take it over from any other gunicorn of this user (a colleague's, say). Turned off
    where the option exists."""
    help_text = subprocess.run([str(GUNICORN), "--help"], capture_output=True, text=True, timeout=60).stdout
    return ("--no-control-socket",) if "--no-control-socket" in help_text else ()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

def postgres_bin_dirs() -> list[Path]:
    """PostgreSQL binaries, best first: those the pgserver package ships in the venv (so a
    fresh machine needs nothing installed), then Debian's, newest version first."""
    found = sorted(REPO.glob(".venv/lib/python3*/site-packages/pgserver/pginstall/bin"))

    def version(path: Path) -> float:
        try:
            return float(path.parent.name)
        except ValueError:
            return 0.0

    found += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    return [p for p in found if all((p / exe).exists() for exe in ("initdb", "pg_ctl", "postgres"))]


def _unprivileged_user() -> str | None:
    """PostgreSQL refuses to run as root: then run it as pgserver's user or Debian's postgres."""
    if os.geteuid() != 0:
        return None
    for name in ("pgserver", "postgres"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("Running as root and neither a 'pgserver' nor a 'postgres' system user exists "
                       "to run the private PostgreSQL as.")


class PrivatePostgres:
    """A throw-away cluster in a temporary directory, on a free port of 127.0.0.1, that the
    tests may stop (``pg_ctl stop -m fast``) and start again on the same port."""

    DBNAME = "bankdash"

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="bankdash-hardening-"))
        self.root.chmod(0o755)  # the unprivileged user must reach data/ and run/
        self.data, self.run_dir = self.root / "data", self.root / "run"
        self.log = self.root / "postgres.log"
        self.user = _unprivileged_user()
        self.bin: Path | None = None
        self.port: int | None = None
        self.destroyed = False
        atexit.register(self.destroy)  # a second line of defence behind the fixture's finalizer
        for path in (self.data, self.run_dir):
            path.mkdir()
        self.log.touch()
        if self.user:
            entry = pwd.getpwnam(self.user)
            for path in (self.data, self.run_dir, self.log):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.data.chmod(0o700)

    # -- commands ---------------------------------------------------------------
    def _run(self, exe: str, *args: str, timeout: float = 60, bin_dir: Path | None = None,
             check: bool = True) -> subprocess.CompletedProcess:
        as_user = {}
        if self.user:
            entry = pwd.getpwnam(self.user)
            as_user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        # Output to a file, never a pipe: the postmaster pg_ctl starts would hold a pipe open.
        with open(self.root / "pg_ctl.out", "a+b") as out:
            offset = out.tell()
            result = subprocess.run([str((bin_dir or self.bin) / exe), *args], stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, timeout=timeout, cwd=self.root,
                                    env={**os.environ, "LC_MESSAGES": "C"}, **as_user)
            out.seek(offset)
            output = out.read().decode(errors="replace")
        if check and result.returncode != 0:
            raise RuntimeError(f"{exe} {' '.join(args)} failed ({result.returncode}):\n{output}\n"
                               f"postgres.log:\n{log_tail(self.log)}")
        return subprocess.CompletedProcess(result.args, result.returncode, output, "")

    def init(self) -> None:
        problems = []
        # C.UTF-8 like the project's servers: upper('ı') is 'I' there, as in production.
        for bin_dir, locale in [(b, loc) for b in postgres_bin_dirs() for loc in (["--locale=C.UTF-8"], [])]:
            try:
                self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                          *locale, "--no-sync", bin_dir=bin_dir, timeout=120)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
                problems.append(f"{bin_dir}: {error}")
                shutil.rmtree(self.data, ignore_errors=True)
                self.data.mkdir()
                if self.user:
                    entry = pwd.getpwnam(self.user)
                    os.chown(self.data, entry.pw_uid, entry.pw_gid)
                self.data.chmod(0o700)
                continue
            self.bin = bin_dir
            return
        raise RuntimeError("No PostgreSQL binaries could initialise a cluster:\n" + "\n".join(problems))

    def start(self, *, timeout: float = 30) -> None:
        """Start on ``self.port`` (a free one the first time); returns once it accepts connections."""
        attempts = 1 if self.port else 3
        for attempt in range(attempts):
            port = self.port or free_port()
            options = (f"-p {port} -c listen_addresses={HOST} -c unix_socket_directories='{self.run_dir}' "
                       "-c fsync=off -c max_connections=200")
            result = self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w",
                               "-t", str(int(timeout)), "-o", options, timeout=timeout + 15, check=False)
            if result.returncode == 0:
                self.port = port
                return
            if attempt == attempts - 1:
                raise RuntimeError(f"pg_ctl start failed:\n{result.stdout}\npostgres.log:\n{log_tail(self.log)}")

    def stop(self, *, mode: str = "fast", timeout: float = 30) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", str(int(timeout)),
                  timeout=timeout + 15)

    def is_running(self) -> bool:
        if self.bin is None:
            return False
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False, timeout=15).returncode == 0

    def destroy(self, keep_logs_in: Path | None = None) -> None:
        if self.destroyed:
            return
        self.destroyed = True
        with contextlib.suppress(Exception):
            if self.is_running():
                self.stop(mode="fast", timeout=20)
        with contextlib.suppress(Exception):
            if self.is_running():
                self.stop(mode="immediate", timeout=20)
        if keep_logs_in is not None:
            with contextlib.suppress(OSError):
                keep_logs_in.mkdir(parents=True, exist_ok=True)
                shutil.copy(self.log, keep_logs_in / "postgres.log")
        shutil.rmtree(self.root, ignore_errors=True)

    # -- access -----------------------------------------------------------------
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{self.DBNAME}"

    def connect(self, dbname: str | None = None) -> psycopg.Connection:
        return psycopg.connect(host=HOST, port=self.port, user="postgres", dbname=dbname or self.DBNAME,
                               autocommit=True, connect_timeout=5)

    def create_database(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{self.DBNAME}"')

    def query(self, sql: str, params=()) -> list[tuple]:
        with self.connect() as conn:
            return conn.execute(sql, params).fetchall()


# ---------------------------------------------------------------------------
# The application's environment, manage.py
# ---------------------------------------------------------------------------

def production_env(*, database_url: str, secret_key: str, behind_proxy: bool = True,
                   settings_module: str | None = "bankdash.settings.production", **extra: str) -> dict[str, str]:
    """Production settings, configured the way an operator would: only through the
    environment. ``settings_module=None`` leaves DJANGO_SETTINGS_MODULE unset (the
    default the entry points choose is then what runs)."""
    env = {key: os.environ[key] for key in INHERITED_ENV if key in os.environ}
    env.update({
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "false",
        "BEHIND_PROXY": "true" if behind_proxy else "false",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    })
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(extra)
    return env


def new_secret_key() -> str:
    return "hardening-" + secrets.token_urlsafe(48)


def manage(env: dict, *args: str, timeout: float = 180, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(PYTHON), "manage.py", *args], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                           f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def run_script(env: dict, script: Path, stdin: str, *, timeout: float = 180) -> subprocess.CompletedProcess:
    result = subprocess.run([str(PYTHON), str(script)], cwd=REPO, env={**env, "PYTHONPATH": str(REPO)},
                            input=stdin, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{script.name} failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
                           f"{result.stderr[-4000:]}")
    return result


# ---------------------------------------------------------------------------
# gunicorn
# ---------------------------------------------------------------------------

class Gunicorn:
    """``gunicorn bankdash.wsgi --bind 127.0.0.1:<free port> --workers N``, run from the
    repository like the Procfile's web process, its output in ``log``."""

    def __init__(self, name: str, env: dict, *, log_dir: Path, workers: int = 4, repo: Path = REPO):
        """``repo``: the checkout to serve (bench/posting_ab.py serves two at once)."""
        self.name, self.base_env, self.workers, self.repo = name, env, workers, repo
        self.log = log_dir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.env: dict = {}

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def client(self, *, ip: str | None = None, timeout: float = 30.0) -> WebClient:
        return WebClient(HOST, self.port, ip=ip, timeout=timeout)

    def start(self, *, timeout: float = 90) -> None:
        for attempt in range(3):
            self.port = free_port()
            self.env = {**self.base_env, "CSRF_TRUSTED_ORIGINS": self.origin}
            with open(self.log, "ab") as out:
                self.process = subprocess.Popen(
                    [str(GUNICORN), "bankdash.wsgi", "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
                     *gunicorn_extra_options()],
                    cwd=self.repo, env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stop() ends the workers with it
                )
            atexit.register(self.stop)
            if self._wait_ready(timeout):
                return
            exited = self.process.poll() is not None
            self.stop()
            if not exited or attempt == 2:  # a port taken under us exits at once: try another
                raise RuntimeError(f"gunicorn '{self.name}' did not answer on {self.origin} within {timeout}s:\n"
                                   f"{log_tail(self.log)}")

    def _wait_ready(self, timeout: float) -> bool:
        """Ready when /health/ answers 200 (or, until /health/ exists, /login/ does)."""
        deadline = time.monotonic() + timeout
        probe = self.client(timeout=5)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            for path in ("/health/", "/login/"):
                try:
                    if probe.get(path).status == 200:
                        return True
                except OSError:
                    break
            time.sleep(0.2)
        return False

    def stop(self, *, grace: float = 15) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)  # the master stops its workers gracefully
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # the group this gunicorn leads: nothing else
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""
