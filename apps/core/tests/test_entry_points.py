"""Production is the default where it serves production: the WSGI/ASGI entry points and
the Procfile run production settings (and the request timeouts); manage.py stays local.
Run in subprocesses: settings are read once per process."""

import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
PROCFILE = dict(line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if ": " in line)


def environment(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG")}
    db = connection.settings_dict
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="bankdash.example.com",
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120)


SHOW = ("from django.conf import settings; from django.db import connection; c = connection.cursor(); "
        "c.execute(\"SELECT current_setting('lock_timeout'), current_setting('statement_timeout')\"); "
        "print(settings.SETTINGS_MODULE, settings.DEBUG, *c.fetchone())")


@pytest.mark.django_db
@pytest.mark.parametrize("entry_point", ["bankdash.wsgi", "bankdash.asgi"])
def test_the_entry_points_default_to_production_with_request_timeouts(entry_point):
    result = python(f"import {entry_point}; {SHOW}", environment())
    assert result.stdout.split() == ["bankdash.settings.production", "False", "3s", "10s"], result.stderr


@pytest.mark.parametrize("entry_point", ["bankdash.wsgi", "bankdash.asgi"])
def test_the_entry_points_never_fall_back_to_the_development_key(entry_point):
    if (BASE_DIR / ".env").exists() and "SECRET_KEY=" in (BASE_DIR / ".env").read_text():
        pytest.skip("a local .env sets SECRET_KEY")
    result = python(f"import {entry_point}", environment(SECRET_KEY=None))
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


@pytest.mark.django_db
def test_commands_keep_the_server_defaults():
    """manage.py (runserver, migrate, the repair command) is local and never cut off."""
    result = python("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'bankdash.settings.local');"
                    f" django.setup(); {SHOW}", environment())
    assert result.stdout.split() == ["bankdash.settings.local", "True", "0", "0"], result.stderr
    manage = (BASE_DIR / "manage.py").read_text()
    assert '"DJANGO_SETTINGS_MODULE", "bankdash.settings.local"' in manage


def test_the_procfile_serves_production_with_a_measured_worker_setup():
    web = shlex.split(PROCFILE["web"])
    assert web[0] == "DJANGO_SETTINGS_MODULE=bankdash.settings.production"
    assert web[1:3] == ["gunicorn", "bankdash.wsgi"]
    assert web[3:] == ["--config", "gunicorn.conf.py"]
    # The settings file gunicorn reads: the measured choice, sized by the environment.
    config = {}
    exec((BASE_DIR / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own settings file)
    assert config["worker_class"] in ("sync", "gthread")
    assert config["workers"] >= 2 and config["threads"] >= 1
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["timeout"] == 30 and config["errorlog"] == "-"


def test_the_procfile_runs_a_worker():
    worker = shlex.split(PROCFILE["worker"])
    assert worker[0] == "DJANGO_SETTINGS_MODULE=bankdash.settings.production"
    assert worker[1:] == ["python", "manage.py", "procrastinate", "worker"]


def test_the_release_phase_refuses_to_run_without_database_url():
    if (BASE_DIR / ".env").exists() and "DATABASE_URL=" in (BASE_DIR / ".env").read_text():
        pytest.skip("a local .env sets DATABASE_URL")
    env = environment(DATABASE_URL=None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(["sh", "-c", PROCFILE["release"]], cwd=BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable" in result.stderr
    assert "migrate" in PROCFILE["release"]
