"""``GET /health/`` for load balancers and monitors: is this process able to serve?

    {"status": "ok" | "fail", "checks": {"database": ..., "cache": ..., "migrations": ...}}

200 when every check passes, 503 otherwise. Each check says "ok" or "fail" (the database
may also say "read_only": pages can be read, so the process still serves; migrations say
"unknown" while the database is down). No versions, hosts or error texts: the logs have
those. Cheap (one query, a cache write and read; the migration plan is kept for
MIGRATIONS_OK_SECONDS once it is empty), and it never touches the session.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.views.decorators.cache import never_cache

from .api import json_error, json_response

logger = logging.getLogger("bankdash.health")

OK, FAIL, READ_ONLY, UNKNOWN = "ok", "fail", "read_only", "unknown"
MIGRATIONS_OK_SECONDS = 60
_migrations_ok_until = 0.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('transaction_read_only')")
            read_only = cursor.fetchone()[0] == "on"
    except Exception as exc:
        logger.warning("health: database check failed: %s", type(exc).__name__)
        return FAIL
    return READ_ONLY if read_only else OK


def check_cache() -> str:
    key = f"health:{os.getpid()}:{threading.get_ident()}"
    token = uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        if cache.get(key) != token:
            raise ValueError("the cache did not give back what was stored")
    except Exception as exc:
        logger.warning("health: cache check failed: %s", type(exc).__name__)
        return FAIL
    return OK


def check_migrations() -> str:
    """Every migration this code knows is applied (the release phase ran)."""
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return OK
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        logger.warning("health: migrations check failed: %s", type(exc).__name__)
        return FAIL
    if pending:
        logger.warning("health: %d migrations not applied", len(pending))
        return FAIL
    _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_SECONDS
    return OK


@login_not_required
@never_cache
def health(request):
    if request.method not in ("GET", "HEAD"):
        response = json_error("Method not allowed: use GET.", status=405)
        response["Allow"] = "GET, HEAD"
        return response
    checks = {"database": check_database(), "cache": check_cache()}
    checks["migrations"] = UNKNOWN if checks["database"] == FAIL else check_migrations()
    healthy = checks["database"] in (OK, READ_ONLY) and checks["cache"] == OK and checks["migrations"] == OK
    response = json_response({"status": OK if healthy else FAIL, "checks": checks}, status=200 if healthy else 503)
    response["X-Content-Type-Options"] = "nosniff"  # answered before SecurityMiddleware adds it
    return response
