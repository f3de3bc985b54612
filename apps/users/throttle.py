"""Fixed-window rate limits whose counters every worker process shares.

Used for password reset requests, registrations and two-factor code checks. django-axes
guards logins; it only counts failed authentications, which none of these is.

The counters live in Redis when REDIS_URL is set, else in PostgreSQL (the table
users_throttle_counter, created by migration 0005): never in a process's memory, where
four workers would each allow the limit. Each hit is one atomic statement (a Redis
MULTI, an INSERT ... ON CONFLICT DO UPDATE), so concurrent requests are all counted.
Keys are hashed: no raw email or IP address is stored.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

TABLE = "users_throttle_counter"

_UPSERT = f"""
INSERT INTO {TABLE} AS c (key, hits, window_ends) VALUES (%(key)s, 1, %(ends)s)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.window_ends <= %(now)s THEN 1 ELSE c.hits + 1 END,
    window_ends = CASE WHEN c.window_ends <= %(now)s THEN EXCLUDED.window_ends ELSE c.window_ends END
RETURNING hits, (xmax = 0) AS created
"""  # noqa: S608 (TABLE is a constant)
_PURGE = f"DELETE FROM {TABLE} WHERE window_ends < %(before)s"  # noqa: S608


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request for (scope, key); False once more than ``limit`` happened in the window."""
    if settings.REDIS_URL:
        count = _redis_hit(counter_key(scope=scope, key=key), window_seconds)
    else:
        count = _database_hit(counter_key(scope=scope, key=key), window_seconds)
    return count <= limit


def counter_key(*, scope: str, key: str) -> str:
    """The stored name of a counter: the scope, then a hash of the key (an email, an IP)."""
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()
    return f"throttle:{scope}:{digest}"


def _database_hit(key: str, window_seconds: int) -> int:
    # The application's clock, not PostgreSQL's: windows follow the same time as the rest.
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, {"key": key, "now": now, "ends": now + timedelta(seconds=window_seconds)})
        count, created = cursor.fetchone()
        if created:  # once per new window, not on every hit: drop counters a day past their window
            cursor.execute(_PURGE, {"before": now - timedelta(days=1)})
    return count


@cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def _redis_hit(key: str, window_seconds: int) -> int:
    # SET NX starts the window with its expiry; INCR keeps it. MULTI runs both at once,
    # so the key cannot expire between them (and then count for ever).
    pipe = _redis_client(settings.REDIS_URL).pipeline(transaction=True)
    pipe.set(key, 0, ex=window_seconds, nx=True)
    pipe.incr(key)
    return int(pipe.execute()[1])
