"""The rate-limit counters (apps.users.throttle) live where every worker process sees them:
PostgreSQL by default, Redis when REDIS_URL is set; each hit is counted, even concurrent ones."""

import os
import subprocess
import sys
import threading
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from apps.users import throttle

WINDOW = 900


def other_process_hits(scope, key, times=1) -> list[bool]:
    """``hit`` from a separate Python process (another gunicorn worker, say) on the same database."""
    code = ("import django; django.setup(); from apps.users.throttle import hit; "
            f"print(' '.join(str(hit(scope={scope!r}, key={key!r}, limit=3, window_seconds={WINDOW})) "
            f"for _ in range({times})))")
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": django_settings.SETTINGS_MODULE,
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    result = subprocess.run([sys.executable, "-c", code], cwd=django_settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [word == "True" for word in result.stdout.split()]


def stored_hits(scope, key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT hits FROM users_throttle_counter WHERE key = %s",
                       [throttle.counter_key(scope=scope, key=key)])
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.fixture
def fresh_key():
    """A key of its own (a transactional test's rows are not flushed: the table has no model)."""
    key = f"test-{uuid.uuid4()}"
    yield key
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM users_throttle_counter WHERE key = %s",
                       [throttle.counter_key(scope="test", key=key)])


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_counter_in_the_database(fresh_key):
    key = fresh_key
    assert throttle.hit(scope="test", key=key, limit=3, window_seconds=WINDOW)
    assert throttle.hit(scope="test", key=key, limit=3, window_seconds=WINDOW)
    # The other process sees the two hits made here: its second is the fourth.
    assert other_process_hits("test", key, times=2) == [True, False]
    assert not throttle.hit(scope="test", key=key, limit=3, window_seconds=WINDOW)


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted(fresh_key):
    threads, per_thread, results = 8, 10, []

    def work():
        try:
            for _ in range(per_thread):
                results.append(throttle.hit(scope="test", key=fresh_key, limit=1000, window_seconds=WINDOW))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == threads * per_thread
    assert stored_hits("test", fresh_key) == threads * per_thread


@pytest.mark.django_db
def test_a_new_window_starts_at_one(time_machine):
    time_machine.move_to("2025-12-15 12:00:00+00:00", tick=False)
    for _ in range(3):
        assert throttle.hit(scope="test", key="k", limit=3, window_seconds=60)
    assert not throttle.hit(scope="test", key="k", limit=3, window_seconds=60)
    time_machine.shift(timedelta(seconds=59))
    assert not throttle.hit(scope="test", key="k", limit=3, window_seconds=60)
    time_machine.shift(timedelta(seconds=1))
    assert throttle.hit(scope="test", key="k", limit=3, window_seconds=60)


@pytest.mark.django_db
def test_old_counters_are_purged_and_keys_are_hashed(time_machine):
    time_machine.move_to("2025-12-15 12:00:00+00:00", tick=False)
    throttle.hit(scope="test", key="dana@example.com", limit=3, window_seconds=60)
    assert stored_hits("test", "dana@example.com") == 1
    time_machine.shift(timedelta(days=2))
    throttle.hit(scope="test", key="someone-else@example.com", limit=3, window_seconds=60)
    assert stored_hits("test", "dana@example.com") is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM users_throttle_counter WHERE key LIKE '%%example.com%%'")
        assert cursor.fetchall() == []


def redis_url():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return url


def test_with_redis_url_the_counters_are_in_redis(settings):
    import redis

    settings.REDIS_URL = redis_url()
    key = f"test-{uuid.uuid4()}"
    try:
        for _ in range(3):
            assert throttle.hit(scope="test", key=key, limit=3, window_seconds=WINDOW)
        throttle._redis_client.cache_clear()  # a new connection, as another process has
        assert not throttle.hit(scope="test", key=key, limit=3, window_seconds=WINDOW)
        client = redis.Redis.from_url(settings.REDIS_URL)
        [stored] = client.keys("throttle:test:*")
        assert int(client.get(stored)) == 4
        assert 0 < client.ttl(stored) <= WINDOW  # the window expires
        assert key.encode() not in stored
    finally:
        client = redis.Redis.from_url(settings.REDIS_URL)
        for stored in client.keys("throttle:test:*"):
            client.delete(stored)
        throttle._redis_client.cache_clear()


def test_with_redis_url_the_django_cache_works():
    """The `redis` package is a requirement: a Redis cache no longer fails on its first call."""
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url(), {})
    cache.set("bankdash-test", 1, timeout=5)
    assert cache.get("bankdash-test") == 1
    cache.delete("bankdash-test")
