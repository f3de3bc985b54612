"""The dashboard's cache of ledger figures (issue 17): with REDIS_URL set, the month's
categories, the six months and the budgets' spending are cached under the user's ledger
version, which every money movement raises in its own transaction, so a cached figure is
never one from before a committed change. Without REDIS_URL nothing is cached.

The Redis tests use the local Redis on database 15 with a key prefix of their own (they
delete only their keys: apps/users/tests/test_throttle.py shares that database); skipped,
with the reason, when no Redis answers."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
import simplejson
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import versions
from apps.dashboard import selectors
from apps.transactions.selectors import ledger_version
from tests import factories as f

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"
DECEMBER_12 = date(2025, 12, 12)  # today is 15 December 2025 (tests.clock)


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    prefix = f"test-ledger-cache-{uuid.uuid4().hex}"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "apps.core.rediscache.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix},
                       "template_fragments": settings.CACHES["template_fragments"]}
    yield lambda: sorted(k.decode().split(":", 2)[2] for k in client.keys(f"{prefix}:*"))
    for key in client.keys(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def customer(user_factory):
    user = user_factory(default_currency="USD")
    checking = f.account(user, "Checking", opening=Decimal("500.00"))
    f.expense(checking, "20.25", on=DECEMBER_12, category="food")
    # Its window, 10 December - 9 January, is two part-months: read from the daily totals.
    f.budget(user, "food", "100.00", start=date(2025, 11, 10))
    return user, checking


def overview(client):
    response = client.get("/dashboard/overview")
    assert response.status_code == 200
    return simplejson.loads(response.content, use_decimal=True)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_with_redis_a_second_visit_reads_the_figures_from_the_cache_and_a_posting_makes_new_ones(
        client, customer, redis_cache):
    user, checking = customer
    client.force_login(user)
    version = ledger_version(user=user)
    first = queries(client, "/dashboard/overview")
    assert queries(client, "/dashboard/overview") == first - 1  # the budgets' spending: cached
    page = queries(client, "/")
    # The month's categories and the six months (the budgets' spending is the overview's key).
    assert queries(client, "/") == page - 2
    scope = f"{versions.read(user.pk).database}:{version}"  # the database and the ledger version
    assert redis_cache() == sorted([
        f"dashboard:{user.pk}:{scope}:spent:{user.budgets.get().pk}/{f.default_category('food').pk}/USD/"
        "20251210-20260109",
        f"dashboard:{user.pk}:{scope}:spending:USD:2025-12-01",
        f"dashboard:{user.pk}:{scope}:history:USD:2025-12-01",
    ])
    assert overview(client)["budgets"][0]["spent"] == Decimal("20.25")

    f.expense(checking, "9.75", on=DECEMBER_12, category="food")  # commits a new ledger version
    assert ledger_version(user=user) == version + 1
    data = overview(client)
    assert data["budgets"][0]["spent"] == Decimal("30.00")
    assert data["monthly_spending"]["total_spent"] == Decimal("30.00")
    html = client.get("/").content.decode()
    assert 'id="month-spent" data-currency="USD" data-amount="30.00"' in html
    assert 'class="budget-spent">30.00</span>' in html
    assert any(key.startswith(f"dashboard:{user.pk}:{scope[:-len(str(version))]}{version + 1}:spent:")
               for key in redis_cache())


def test_with_redis_figures_left_by_another_database_are_never_served(client, customer, redis_cache):
    """A database recreated or restored counts its ledger versions again: the same customer
    number at the same version in the cache left by the old one must not answer."""
    user, checking = customer
    client.force_login(user)
    version = ledger_version(user=user)
    food = f.default_category("food").pk
    old_key = f"dashboard:{user.pk}:{version}:spent:{user.budgets.get().pk}/{food}/USD/20251210-20260109"
    cache.set(old_key, {user.budgets.get().pk: Decimal("999.00")})  # what the key was before it named the database
    assert overview(client)["budgets"][0]["spent"] == Decimal("20.25")
    assert all(key.startswith(f"dashboard:{user.pk}:{versions.read(user.pk).database}:")
               for key in redis_cache() if key != old_key)


def test_with_redis_a_dump_restored_into_the_same_database_is_not_served_what_was_cached_before(
        client, customer, redis_cache):
    """pg_restore --clean into the same database on a running server: the customer's ledger
    version is the dump's again, under the same database oid and server start, while the cache
    still holds what that version meant before. The version table's new file is in the key."""
    user, checking = customer
    client.force_login(user)
    assert overview(client)["budgets"][0]["spent"] == Decimal("20.25")  # cached under this version
    dumped = ledger_version(user=user)
    f.expense(checking, "9.75", on=DECEMBER_12, category="food")
    with connection.cursor() as cursor:  # the restore, as far as the caches can tell
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE core_dataversion")
        cursor.execute("UPDATE transactions_ledgerversion SET version = %s WHERE owner_id = %s", [dumped, user.pk])
    assert ledger_version(user=user) == dumped
    assert overview(client)["budgets"][0]["spent"] == Decimal("30.00")  # the ledger's, not the cached 20.25


def test_with_redis_renaming_a_category_is_not_served_the_old_name(client, customer, redis_cache):
    user, checking = customer
    pets = f.category("pets", user=user)
    f.expense(checking, "5.00", on=DECEMBER_12, category=pets)
    client.force_login(user)
    assert ">Pets</th>" in client.get("/").content.decode()
    from apps.transactions import services

    services.category_update(user=user, category_id=pets.pk, name="animals")
    html = client.get("/").content.decode()
    assert ">Animals</th>" in html and ">Pets</th>" not in html


def test_without_redis_nothing_is_cached_and_the_figures_are_the_same(client, customer, settings):
    settings.REDIS_URL = ""
    settings.PAGE_CACHE = False  # the figures' own cache, not the whole page's (apps.core.pagecache)
    user, checking = customer
    client.force_login(user)
    cache.clear()
    first = queries(client, "/dashboard/overview")
    assert queries(client, "/dashboard/overview") == first
    assert overview(client)["budgets"][0]["spent"] == Decimal("20.25")
    f.expense(checking, "9.75", on=DECEMBER_12, category="food")
    assert overview(client)["budgets"][0]["spent"] == Decimal("30.00")
    assert selectors.ledger_cache_enabled() is False


def test_with_redis_a_first_visit_reads_the_figures_in_two_round_trips_and_writes_them_in_one(
        client, customer, redis_cache, settings, monkeypatch):
    """Issue 17: read and written one by one, the three figures cost a first visit of the
    dashboard six round trips to Redis. The calls are counted on the real client, which still
    answers them."""
    settings.PAGE_CACHE = False  # the figures' own cache, not the whole page's
    user, checking = customer
    client.force_login(user)
    calls = []
    backend = cache._cache  # django.core.cache.backends.redis.RedisCacheClient, as the app uses it
    for name in ("get", "get_many", "set", "set_many"):
        real = getattr(backend, name)
        monkeypatch.setattr(backend, name, lambda *args, _real=real, _name=name, **kwargs: (
            calls.append(_name), _real(*args, **kwargs))[1])
    html = client.get("/").content.decode()
    assert 'class="budget-spent">20.25</span>' in html
    # The month's categories and the six months; the budgets' spending; the write.
    assert calls == ["get_many", "get", "set_many"]
    calls.clear()
    assert 'class="budget-spent">20.25</span>' in client.get("/").content.decode()
    assert calls == ["get_many", "get"]  # found this time: nothing written
