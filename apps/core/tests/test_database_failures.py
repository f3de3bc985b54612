"""The database down, busy (our timeouts) or read-only: a 503 page with Retry-After (JSON
on JSON paths) instead of a 500, nothing half-written, and recovery without a restart.

The real stop and start of PostgreSQL under gunicorn is in tests/hardening; here the
failures are real where that is cheap (a killed backend, a held lock, a read-only
database) and simulated where it is not (the server refusing connections)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal

import psycopg
import pytest
from django.db import InternalError, OperationalError, close_old_connections, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from psycopg import errors as pg_errors
from psycopg import sql

from apps.core.db import (
    BUSY,
    READ_ONLY,
    UNAVAILABLE,
    database_failure,
    set_request_timeouts,
    stop_request_timeouts,
    use_request_timeouts,
)
from apps.transactions.models import FormSubmission, Transaction
from tests.factories import AccountFactory, UserFactory, default_category

PASSWORD = "Sturdy-Lantern-Ocean-42"
# The migrations' data (default categories) comes back after each transactional test.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wrapped(error: Exception) -> OperationalError:
    """``error`` as Django raises it: a django.db error caused by psycopg's."""
    try:
        raise error
    except Exception as exc:
        django_class = InternalError if isinstance(exc, psycopg.InternalError) else OperationalError
        try:
            raise django_class(str(exc)) from exc
        except django_class as outer:
            return outer


@pytest.mark.parametrize(("error", "kind"), [
    (psycopg.OperationalError("connection failed: Connection refused"), UNAVAILABLE),
    (pg_errors.AdminShutdown("terminating connection due to administrator command"), UNAVAILABLE),
    (pg_errors.CannotConnectNow("the database system is starting up"), UNAVAILABLE),
    (pg_errors.TooManyConnections("sorry, too many clients already"), UNAVAILABLE),
    (pg_errors.LockNotAvailable("canceling statement due to lock timeout"), BUSY),
    (pg_errors.QueryCanceled("canceling statement due to statement timeout"), BUSY),
    (pg_errors.DeadlockDetected("deadlock detected"), BUSY),
    (pg_errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"), READ_ONLY),
    (pg_errors.UniqueViolation("duplicate key"), None),  # a bug or a race: a real 500
    (pg_errors.UndefinedTable("relation does not exist"), None),
])
def test_database_failures_are_named(error, kind):
    assert database_failure(wrapped(error)) == kind


def test_other_errors_are_not_database_failures():
    assert database_failure(RuntimeError("a bug")) is None
    assert database_failure(None) is None


def customer_with_account(balance="100.00"):
    customer = UserFactory()
    customer.set_password(PASSWORD)
    customer.save(update_fields=["password"])
    account = AccountFactory(owner=customer, name="Checking", opening_balance=Decimal(balance))
    browser = Client(raise_request_exception=False)
    browser.force_login(customer)
    return customer, account, browser


def expense_form(account, token=None):
    return {"account": account.pk, "amount": "12.50", "category": default_category("food").pk,
            "occurred_on": "2025-03-10", "description": "Lunch", "form_token": str(token or uuid.uuid4())}


def assert_nothing_written(account, token, balance="100.00"):
    account.refresh_from_db()
    assert account.balance == Decimal(balance)
    assert not Transaction.objects.filter(account=account).exclude(kind=Transaction.Kind.OPENING).exists()
    assert not FormSubmission.objects.filter(token=token).exists()


def assert_503_page(response, retry_after: int, *words) -> str:
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == str(retry_after)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<a class="navbar-brand" href="/">BankDash</a>' in html and "Error 503" in html
    for word in words:
        assert word in html, word
    return html


def assert_503_json(response, retry_after: int) -> dict:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(retry_after)
    body = json.loads(response.content)
    assert body["retry_after"] == retry_after and body["error"]
    return body


# --- the database down ------------------------------------------------------------

@contextmanager
def database_down():
    """Every new use of the database fails as when the server refuses connections."""
    with pytest.MonkeyPatch.context() as patch:
        def refuse(self):
            raise wrapped(psycopg.OperationalError(
                'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'))

        patch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
        yield


@pytest.mark.django_db
def test_while_the_database_is_down_pages_answer_503_and_json_answers_json():
    customer, account, browser = customer_with_account()
    visitor = Client(raise_request_exception=False)
    form = expense_form(account)
    with database_down():
        for path in ["/accounts/", "/dashboard/", reverse("transactions:expense")]:
            assert_503_page(browser.get(path), 30, "BankDash is briefly unavailable", "Your money is safe")
        assert_503_page(browser.post(reverse("transactions:expense"), form), 30)
        assert_503_page(visitor.post(reverse("login"), {"username": customer.email, "password": PASSWORD}), 30)
        assert_503_json(browser.get("/dashboard/overview"), 30)
        assert "Server Error" not in browser.get("/accounts/").content.decode()
    # The database is back: the next request works, no restart.
    assert browser.get("/accounts/").status_code == 200
    assert browser.get("/dashboard/overview").status_code == 200


def admin_connection(dbname=None):
    settings = connection.settings_dict
    params = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"],
              "password": settings["PASSWORD"], "dbname": dbname or settings["NAME"]}
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


def terminate_backend(pid: int) -> None:
    with admin_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(200):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} still alive")


@transactional
def test_a_connection_lost_mid_request_answers_503_and_the_next_request_reconnects(monkeypatch):
    customer, account, browser = customer_with_account()
    # Kept connections, as in production (CONN_MAX_AGE > 0), checked at each request's start.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    connection.close()
    connection.ensure_connection()
    terminate_backend(connection.connection.info.backend_pid)  # a database restart, a failover

    # Lost after this request's health check: the request fails, with a 503.
    connection.health_check_done = True
    assert_503_page(browser.get("/accounts/"), 30, "briefly unavailable")
    close_old_connections()  # what Django does at every request's end and start
    assert browser.get("/accounts/").status_code == 200

    # Lost between requests: the health check at the start of the next one reconnects.
    terminate_backend(connection.connection.info.backend_pid)
    close_old_connections()
    assert browser.get("/accounts/").status_code == 200


# --- busy: a lock held too long, a statement too slow -------------------------------

@pytest.fixture
def request_timeouts(settings):
    """What bankdash/wsgi.py turns on, with shorter waits to keep the test quick."""
    settings.DATABASE_REQUEST_TIMEOUTS = {"lock_timeout": "500ms", "statement_timeout": "1500ms"}
    use_request_timeouts()
    connection.close()  # the timeouts are set on each new connection
    yield
    stop_request_timeouts()
    connection.close()


@contextmanager
def held(statement: str):
    """Another session runs ``statement`` in an open transaction until the block ends."""
    ready, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
                ready.set()
                release.wait(20)
        except Exception as exc:
            errors.append(exc)
            ready.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert ready.wait(10) and not errors, errors
    try:
        yield
    finally:
        release.set()
        holder.join()


@transactional
def test_timeouts_are_set_on_web_connections_only(request_timeouts):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout'), current_setting('statement_timeout')")
        assert cursor.fetchone() == ("500ms", "1500ms")
    stop_request_timeouts()
    connection.close()
    with connection.cursor() as cursor:  # a management command's connection
        cursor.execute("SELECT current_setting('lock_timeout'), current_setting('statement_timeout')")
        assert cursor.fetchone() == ("0", "0")


@transactional
@pytest.mark.parametrize("lock", [
    "LOCK TABLE accounts_account IN ACCESS EXCLUSIVE MODE",  # nobody can even read the accounts
    "SELECT id FROM accounts_account WHERE id = {pk} FOR UPDATE",  # the posting waits for the row
])
def test_a_locked_account_answers_busy_quickly_and_writes_nothing(request_timeouts, lock):
    customer, account, browser = customer_with_account()
    browser.get("/accounts/")  # the connection is open, the session loaded
    form = expense_form(account)
    with held(lock.format(pk=account.pk)):
        started = time.monotonic()
        response = browser.post(reverse("transactions:expense"), form)
        waited = time.monotonic() - started
    assert_503_page(response, 5, "BankDash is busy", "nothing was changed", "try again")
    assert waited < 3, waited
    assert_nothing_written(account, form["form_token"])
    # Once the lock is gone the same form posts, once.
    response = browser.post(reverse("transactions:expense"), form)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.balance == Decimal("87.50")


@transactional
def test_a_json_read_behind_a_lock_answers_busy_in_json(request_timeouts):
    customer, account, browser = customer_with_account()
    with held("LOCK TABLE accounts_account IN ACCESS EXCLUSIVE MODE"):
        assert_503_json(browser.get("/dashboard/overview"), 5)


@pytest.mark.django_db
@pytest.mark.urls("apps.core.tests.urls")
def test_a_statement_over_the_timeout_is_stopped(logged_in, settings):
    settings.DATABASE_REQUEST_TIMEOUTS = {"statement_timeout": "300ms"}
    # On the open connection; it is inside the test's transaction, so the rollback resets it.
    set_request_timeouts(sender=None, connection=connection)
    started = time.monotonic()
    response = logged_in.get("/test/slow/")
    assert time.monotonic() - started < 2.5
    assert_503_page(response, 5, "BankDash is busy")


# --- read-only: failover to a standby, maintenance ----------------------------------

@pytest.fixture
def read_only(settings):
    """``switch(True)`` makes the test database read-only for every new session, as a
    standby after failover is; the fixture switches it back."""
    settings.SESSION_SAVE_EVERY_REQUEST = True  # as in production: every page saves the session
    name = connection.settings_dict["NAME"]

    def switch(on: bool) -> None:
        with admin_connection("postgres") as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = {}").format(
                sql.Identifier(name), sql.SQL("on" if on else "off")))
        connection.close()

    yield switch
    switch(False)


@transactional
def test_with_the_database_read_only_customers_read_but_nothing_is_written(read_only):
    customer, account, browser = customer_with_account()
    visitor = Client(raise_request_exception=False)
    form = expense_form(account)
    read_only(True)

    # Signed-in customers can still read their balances.
    for path in ["/accounts/", "/dashboard/", reverse("accounts:detail", kwargs={"pk": account.pk}),
                 "/transactions/"]:
        response = browser.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"]
    assert json.loads(browser.get("/dashboard/overview").content)["accounts"]["total_balance"] == 100
    assert json.loads(Client().get("/health/").content)["checks"]["database"] == "read_only"

    # Money forms say why they cannot post.
    assert_503_page(browser.post(reverse("transactions:expense"), form), 120,
                    "We are doing maintenance", "Posting is paused", "your money is safe")
    # A sign-in attempt gets the maintenance page (a session row, last_login, the audit
    # trail and the lockout counters would all be written).
    assert_503_page(visitor.post(reverse("login"), {"username": customer.email, "password": PASSWORD}), 120,
                    "We are doing maintenance", "Signing in is paused")
    assert_503_page(visitor.post(reverse("login"), {"username": customer.email, "password": "wrong"}), 120,
                    "Signing in is paused")

    read_only(False)
    assert_nothing_written(account, form["form_token"])
    assert browser.post(reverse("transactions:expense"), form).status_code == 302
