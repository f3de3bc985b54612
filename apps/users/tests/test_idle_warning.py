"""The warning before the idle logout, server side (apps.users.views.session): the dialog's
figures on signed-in pages, "Stay logged in" renewing the session, and the page's own logout
when the warning went unanswered. The browser's part: tests/e2e/test_session.py."""

import datetime as dt
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from apps.core.tests.test_session_renewal import clock, production_sessions  # noqa: F401
from apps.users.views.session import idle_timeout
from tests.clock import NOW
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SAYS_WHY = "For your safety, you were logged out after a while without activity."


def _signed_in(*, enforce_csrf_checks=False):
    user = UserFactory()
    browser = Client()
    assert browser.post("/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    browser.handler.enforce_csrf_checks = enforce_csrf_checks  # from now on, as a browser is checked
    return user, browser


def _expiry(browser):
    return Session.objects.get(session_key=browser.cookies["sessionid"].value).expire_date


def _dialog(page: str) -> dict:
    match = re.search(r'<div class="modal fade" id="sessionTimeout"[^>]*>', page)
    assert match, "no warning dialog on the page"
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', match.group(0)))


def test_production_pages_carry_the_dialog_with_the_earliest_end(production_sessions, clock):  # noqa: F811
    _, browser = _signed_in()
    page = browser.get("/accounts/").content.decode()
    # 15 minutes, renewed at most once a minute: the session may end 14 minutes after a request.
    assert _dialog(page) == {"data-bs-backdrop": "static", "data-bs-keyboard": "false",
                             "data-ends-in": "840", "data-warn": "60",
                             "data-keep-alive-url": "/session/keep-alive/"}
    assert "Are you still there?" in page
    assert "For your safety, you will be logged out in {time} without activity." in page
    assert '<input type="hidden" name="next" value="/accounts/">' in page
    assert '<button type="submit" form="idleLogoutForm" formaction="/logout/"' in page  # "Log out now"
    assert page.count("js/session-timeout.") == 1


def test_no_dialog_before_login_or_without_an_idle_logout(production_sessions, settings):  # noqa: F811
    page = Client().get("/login/").content.decode()
    assert 'id="sessionTimeout"' not in page and "session-timeout" not in page

    settings.SESSION_RENEW_INTERVAL = None  # development: sessions end two weeks after login
    _, browser = _signed_in()
    page = browser.get("/accounts/").content.decode()
    assert idle_timeout() is None
    assert 'id="sessionTimeout"' not in page and "session-timeout" not in page


def test_every_request_saving_the_session_warns_from_the_full_age(settings):
    settings.SESSION_RENEW_INTERVAL = None
    settings.SESSION_SAVE_EVERY_REQUEST = True
    settings.SESSION_COOKIE_AGE = 10 * 60
    assert idle_timeout() == {"ends_in": 600, "warn": 60}
    settings.SESSION_COOKIE_AGE = 90  # a short age: warned half-way
    assert idle_timeout() == {"ends_in": 90, "warn": 45}


def test_stay_logged_in_renews_the_session(production_sessions, clock):  # noqa: F811
    _, browser = _signed_in(enforce_csrf_checks=True)
    page = browser.get("/accounts/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    clock.shift(13 * 60)  # 13 minutes without a request: the dialog is up
    assert _expiry(browser) == NOW + dt.timedelta(minutes=15)

    response = browser.post("/session/keep-alive/", HTTP_X_CSRFTOKEN=token, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert json.loads(response.content) == {"ends_in": 840}
    assert response["Cache-Control"].startswith("max-age=0")
    assert _expiry(browser) == NOW + dt.timedelta(minutes=13 + 15)

    clock.shift(14 * 60 + 30)  # 27:30, past the first session's end: still signed in
    assert browser.get("/accounts/").status_code == 200


def test_stay_logged_in_refuses_what_it_must(production_sessions, clock):  # noqa: F811
    _, browser = _signed_in(enforce_csrf_checks=True)
    page = browser.get("/accounts/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    no_token = browser.post("/session/keep-alive/", HTTP_ACCEPT="application/json")
    assert no_token.status_code == 403 and no_token["Content-Type"] == "application/json"
    assert "CSRF" in json.loads(no_token.content)["error"]

    as_page = browser.get("/session/keep-alive/")
    assert as_page.status_code == 405 and as_page["Allow"] == "POST"
    assert json.loads(as_page.content) == {"error": "Method not allowed: use POST."}

    clock.shift(15 * 60 + 1)  # too late: the session has ended
    late = browser.post("/session/keep-alive/", HTTP_X_CSRFTOKEN=token, HTTP_ACCEPT="application/json")
    assert late.status_code == 401
    assert json.loads(late.content) == {"error": "Your session has ended: log in again."}


def test_the_unanswered_warning_logs_out_and_the_login_page_leads_back(production_sessions, clock):  # noqa: F811
    user, browser = _signed_in()
    session_key = browser.cookies["sessionid"].value
    browser.get("/transactions/?account=1")
    clock.shift(14 * 60)

    response = browser.post("/session/idle-logout/", {"next": "/transactions/?account=1"})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Ftransactions%2F%3Faccount%3D1"
    assert not Session.objects.filter(session_key=session_key).exists()
    page = browser.get(response["Location"]).content.decode()
    assert page.count(SAYS_WHY) == 1

    response = browser.post("/login/?next=%2Ftransactions%2F%3Faccount%3D1",
                            {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/transactions/?account=1"


def test_the_page_logs_out_even_after_the_server_did(production_sessions, clock):  # noqa: F811
    _, browser = _signed_in()
    browser.get("/budgets/")
    clock.shift(60 * 60)  # the laptop slept for an hour: the session ended long ago
    response = browser.post("/session/idle-logout/", {"next": "/budgets/"})
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fbudgets%2F"
    assert browser.get(response["Location"]).content.decode().count(SAYS_WHY) == 1


def test_the_idle_logout_never_leads_off_the_site(production_sessions, clock):  # noqa: F811
    _, browser = _signed_in()
    response = browser.post("/session/idle-logout/", {"next": "https://evil.example/phish"})
    assert response["Location"] == "/login/?next=%2F"
    assert browser.get("/session/idle-logout/").status_code == 405


def test_the_dialog_speaks_the_customers_language(production_sessions, clock):  # noqa: F811
    user = UserFactory(locale="de-DE")
    browser = Client()
    browser.force_login(user)
    page = browser.get("/accounts/").content.decode()
    assert "Sind Sie noch da?" in page
    assert 'data-template="Zu Ihrer Sicherheit werden Sie ohne Aktivität in {time} abgemeldet."' in page
    assert ">Angemeldet bleiben</button>" in page and ">Jetzt abmelden</button>" in page
