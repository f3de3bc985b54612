"""The cache path with REDIS_URL set (issue 17): production settings then keep the cache and the
sessions (cached_db) in Redis. Run against the Redis of this machine / CI on a spare database
number; skipped, with the reason, when no Redis answers."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.users.tests.test_settings import production_env, run
from tests.clock import NOW
from tests.factories import PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/14"  # 15 is apps/users/tests/test_throttle.py's
SESSION_QUERY = re.compile(r'"django_session"', re.IGNORECASE)
SESSION_WRITE = re.compile(r'^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+"django_session"', re.IGNORECASE)


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def test_production_settings_with_redis_url_use_redis(redis_db):
    """With REDIS_URL set, production's first cache call works (the redis package is installed
    and configured) and the sessions go through the cache."""
    code = ("from django.conf import settings; from django.core.cache import cache;"
            "cache.set('bankdash-redis-check', 'from-production-settings', 30);"
            "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, cache.get('bankdash-redis-check'))")
    result = run(["-c", f"import django; django.setup(); {code}"], production_env(REDIS_URL=REDIS_URL))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["apps.core.rediscache.RedisCache",
                                     "django.contrib.sessions.backends.cached_db", "from-production-settings"]
    assert any(b"bankdash-redis-check" in key for key in redis_db.keys("*"))


@pytest.fixture
def redis_settings(settings, redis_db):
    """Production's cache and session settings with REDIS_URL set (bankdash/settings/base.py, production.py)."""
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "apps.core.rediscache.RedisCache", "LOCATION": REDIS_URL},
                       "template_fragments": settings.CACHES["template_fragments"]}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_COOKIE_AGE = 15 * 60
    settings.SESSION_SAVE_EVERY_REQUEST = False
    settings.SESSION_RENEW_INTERVAL = 60
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    return redis_db


def visit(client, path="/accounts/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries if SESSION_QUERY.search(q["sql"])]


@pytest.mark.django_db
def test_the_cache_and_the_sessions_work_through_redis(redis_settings, time_machine, user):
    time_machine.move_to(NOW, tick=False)
    cache.set("bankdash-cache-check", {"answer": 42}, 60)
    assert cache.get("bankdash-cache-check") == {"answer": 42}
    assert any(b"bankdash-cache-check" in key for key in redis_settings.keys("*"))

    client = Client()
    assert client.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    key = client.cookies["sessionid"].value
    cached = [k for k in redis_settings.keys("*") if k.endswith(key.encode())]
    assert len(cached) == 1  # the session is in Redis ...
    assert Session.objects.filter(session_key=key).exists()  # ... and, written through, in PostgreSQL
    assert 14 * 60 < redis_settings.ttl(cached[0]) <= 15 * 60

    time_machine.shift(30)
    response, session_queries = visit(client)
    assert response.status_code == 200
    assert session_queries == []  # read from Redis, nothing written
    assert "sessionid" not in response.cookies

    time_machine.shift(31)
    response, session_queries = visit(client)
    assert response.status_code == 200
    assert len([q for q in session_queries if SESSION_WRITE.match(q)]) == 1  # renewed, written through
    assert "sessionid" in response.cookies
    assert Session.objects.get(session_key=key).expire_date == NOW + dt.timedelta(seconds=61, minutes=15)

    # Redis emptied (a restart without persistence): the session is read back from PostgreSQL.
    redis_settings.flushdb()
    time_machine.shift(5)
    response, session_queries = visit(client)
    assert response.status_code == 200
    assert session_queries and all(q.lstrip().upper().startswith("SELECT") for q in session_queries)
    assert any(k.endswith(key.encode()) for k in redis_settings.keys("*"))


def test_the_cache_keeps_one_redis_client_per_pool(redis_db):
    """apps.core.rediscache: Django's client builds a redis.Redis on every call; ours builds one
    per connection pool and keeps it, and the cache still reads, writes and counts as Django's."""
    import redis

    from apps.core.rediscache import RedisCache

    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "reuse"})
    built = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    redis.Redis.__init__ = counting
    try:
        cache.set("a", {"figure": "12.50"}, 30)
        assert cache.get("a") == {"figure": "12.50"}
        cache.set_many({"b": 1, "c": [2]}, 30)
        assert cache.get_many(["a", "b", "c", "missing"]) == {"a": {"figure": "12.50"}, "b": 1, "c": [2]}
        assert cache.incr("b") == 2
        cache.delete("c")
        assert cache.get("c", "gone") == "gone"
    finally:
        redis.Redis.__init__ = original
    assert len(built) == 1  # Django's own client built 7
    assert cache._cache.get_client(write=True) is cache._cache.get_client() is built[0]
    assert sorted(redis_db.keys("reuse:*")) == [b"reuse:1:a", b"reuse:1:b"]
