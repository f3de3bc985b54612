"""A private PostgreSQL for development and tests, started on demand.

When ``DATABASE_URL`` is not set, BankDash starts its own PostgreSQL from the
``pgserver`` package (real PostgreSQL binaries shipped on PyPI), with its data
under ``var/pgdata`` and a unix socket there, so a fresh machine needs no
database installed by hand. The server keeps running between commands; it
starts in about a second when it is not running.
"""

from __future__ import annotations

import os
from pathlib import Path


def local_database(base_dir: Path, dbname: str = "bankdash") -> dict:
    os.environ.setdefault("XDG_RUNTIME_DIR", str(base_dir / "var" / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    import pgserver  # imported lazily: production never needs it

    pgdata = base_dir / "var" / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    # dbname is a constant of ours, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{dbname}";')
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": dbname,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }
