"""The idle session expiry is renewed at most once a minute (apps.core.middleware.SessionMiddleware
with production's SESSION_RENEW_INTERVAL = 60 and SESSION_SAVE_EVERY_REQUEST off): a request
that changes nothing writes no session row and sends no cookie, and the idle logout comes
between 14 and 15 minutes after the last request, never later."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.middleware import SESSION_RENEWED_KEY
from apps.core.tests.test_database_failures import customer_with_account, read_only, transactional  # noqa: F401
from tests.clock import NOW
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SESSION_WRITE = re.compile(r'^\s*(UPDATE|INSERT INTO|DELETE FROM)\s+"django_session"', re.IGNORECASE)
PAGE = "/accounts/"


@pytest.fixture
def production_sessions(settings):
    """The session settings of bankdash/settings/production.py, on the database backend."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.SESSION_COOKIE_AGE = 15 * 60
    settings.SESSION_SAVE_EVERY_REQUEST = False
    settings.SESSION_RENEW_INTERVAL = 60
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    return settings


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def visit(client, path=PAGE):
    """GET ``path``: (response, the session writes it made)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries if SESSION_WRITE.match(q["sql"])]


def expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_a_request_within_the_minute_writes_nothing_and_one_after_it_renews(production_sessions, clock, logged_in):
    response, writes = visit(logged_in)  # the first request stamps the session
    assert response.status_code == 200
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
    assert "sessionid" in response.cookies
    assert expiry(logged_in) == NOW + dt.timedelta(minutes=15)

    clock.shift(30)
    response, writes = visit(logged_in)
    assert response.status_code == 200
    assert writes == []
    assert "sessionid" not in response.cookies  # no Set-Cookie
    assert expiry(logged_in) == NOW + dt.timedelta(minutes=15)

    clock.shift(31)  # 61 s after the last save
    response, writes = visit(logged_in)
    assert response.status_code == 200
    assert len(writes) == 1
    assert "sessionid" in response.cookies
    assert expiry(logged_in) == NOW + dt.timedelta(seconds=61, minutes=15)


def test_the_idle_logout_comes_between_14_and_15_minutes_after_the_last_request(production_sessions, clock,
                                                                                logged_in):
    visit(logged_in)  # saved at 0 s: expires at 15:00
    clock.shift(59)
    response, writes = visit(logged_in)  # the last request, at 59 s: no save
    assert response.status_code == 200 and writes == []

    clock.shift(14 * 60)  # 14 min after the last request, 14:59 after the last save: still in
    response, writes = visit(logged_in)
    assert response.status_code == 200
    assert len(writes) == 1  # and renewed, for 15 minutes from now

    clock.shift(15 * 60 - 1)  # idle 14:59
    assert visit(logged_in)[0].status_code == 200
    clock.shift(15 * 60 + 1)  # idle 15:01 after that request: logged out
    response, _ = visit(logged_in)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_session_not_renewed_for_a_minute_logs_out_before_15_idle_minutes(production_sessions, clock, logged_in):
    visit(logged_in)  # saved at 0 s
    clock.shift(50)
    assert visit(logged_in)[1] == []  # the last request, at 50 s, saves nothing
    clock.shift(14 * 60 + 11)  # 14:11 after the last request, 15:01 after the save
    response, _ = visit(logged_in)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_changed_session_is_saved_at_once_and_restarts_the_minute(production_sessions, clock, logged_in):
    visit(logged_in)
    clock.shift(10)
    response = logged_in.post("/logout/")  # the session is flushed: emptied, not stamped again
    assert response.status_code == 302
    assert logged_in.cookies["sessionid"].value == ""
    assert not Session.objects.exists()

    clock.shift(10)
    response, writes = visit(logged_in, "/login/")  # a visitor: no session created
    assert response.status_code == 200
    assert writes == []
    assert not Session.objects.exists()


def test_signing_in_saves_the_stamp_so_the_next_minute_writes_nothing(production_sessions, clock, user):
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()
    assert stored[SESSION_RENEWED_KEY] == int(NOW.timestamp())

    clock.shift(59)
    response, writes = visit(client)
    assert response.status_code == 200
    assert writes == []
    assert "sessionid" not in response.cookies


def test_saving_every_request_still_saves_every_request(production_sessions, clock, logged_in):
    production_sessions.SESSION_SAVE_EVERY_REQUEST = True
    visit(logged_in)
    clock.shift(1)
    response, writes = visit(logged_in)
    assert len(writes) == 1
    assert "sessionid" in response.cookies


@transactional
def test_a_renewal_due_while_the_database_is_read_only_is_skipped(production_sessions, read_only, time_machine):  # noqa: F811
    production_sessions.SESSION_SAVE_EVERY_REQUEST = False  # read_only() sets production's former True
    time_machine.move_to(NOW, tick=False)
    customer, account, browser = customer_with_account()
    assert browser.get(PAGE).status_code == 200  # stamped
    key = browser.cookies["sessionid"].value
    read_only(True)
    time_machine.shift(61)
    response = browser.get(PAGE)  # a renewal is due: skipped, the page still shown
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    read_only(False)
    assert Session.objects.get(session_key=key).expire_date == NOW + dt.timedelta(minutes=15)
