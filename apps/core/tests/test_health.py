"""GET /health/ for load balancers: database, cache, migrations; 200 or 503; no secrets,
no session."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from apps.core import health

from .test_database_failures import database_down

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_migration_check(monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok_until", 0.0)


def get_health(client=None, method="get"):
    response = getattr(client or Client(), method)("/health/")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response, json.loads(response.content) if response.content else None


def test_healthy(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # SELECT 1 and the migration records (then kept for a minute)
        response, body = get_health()
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "migrations": "ok"}}
    assert not response.cookies  # no session, no CSRF cookie
    with django_assert_max_num_queries(1):  # the migration plan is kept
        assert get_health()[0].status_code == 200


def test_no_secrets_in_the_answer():
    response, _ = get_health()
    text = response.content.decode()
    db = connection.settings_dict
    for secret in [settings.SECRET_KEY, db["NAME"], db["HOST"], db["USER"], str(db["PORT"]), "postgres", "psycopg"]:
        if secret:
            assert secret not in text, secret


def test_the_database_down_fails_the_check():
    with database_down():
        response, body = get_health()
    assert response.status_code == 503
    assert body == {"status": "fail", "checks": {"database": "fail", "cache": "ok", "migrations": "unknown"}}


def test_a_migration_not_applied_fails_the_check(monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    response, body = get_health()
    assert response.status_code == 503
    assert body["checks"] == {"database": "ok", "cache": "ok", "migrations": "fail"}


def test_a_cache_that_fails_fails_the_check(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(health.cache, "set", broken)
    response, body = get_health()
    assert response.status_code == 503
    assert body["status"] == "fail" and body["checks"]["cache"] == "fail"


def test_only_get_and_head():
    assert get_health(method="head")[0].status_code == 200
    response, body = get_health(method="post")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


def test_a_signed_in_browser_gets_the_same_answer(logged_in):
    response, body = get_health(logged_in)
    assert response.status_code == 200 and body["status"] == "ok"
    assert not response.cookies  # the session was not touched (not even saved)
    with database_down():  # its session cannot be loaded: the check still answers
        response, body = get_health(logged_in)
    assert response.status_code == 503 and body["checks"]["database"] == "fail"


def test_a_load_balancer_may_ask_over_http_with_any_host(settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production
    assert Client().get("/login/").status_code == 301  # everything else goes to HTTPS
    response = Client().get("/health/", HTTP_HOST="10.0.3.17:8000")  # the instance's own address
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
    assert response["X-Request-ID"]
