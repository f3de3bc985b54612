"""Branded error pages (400, 403, 404, 429, 500, 503) in the base layout with a way back,
and JSON errors on JSON paths. DEBUG is off (test settings), as in production."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.core import errors
from apps.core.db import BUSY, READ_ONLY, UNAVAILABLE

pytestmark = [pytest.mark.django_db, pytest.mark.urls("apps.core.tests.urls")]


@pytest.fixture
def browser(user):
    """A signed-in customer's browser; a view's exception becomes the error page."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_branded(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<a class="navbar-brand" href="/">BankDash</a>' in html  # the base layout's look
    assert 'class="btn btn-primary" href="/"' in html  # a way back: the dashboard
    assert f"Error {status}" in html
    # The strict CSP holds: no inline script or style.
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    if "Content-Security-Policy" in response:  # absent only when a handler is called directly
        assert "unsafe-inline" not in response["Content-Security-Policy"]
    return html


@pytest.mark.parametrize(("path", "status", "words"), [
    ("/test/suspicious/", 400, "We could not understand that request"),
    ("/test/forbidden/", 403, "You do not have access to this page"),
    ("/no-such-page/", 404, "Page not found"),
    ("/test/throttled/", 429, "Please slow down"),
    ("/test/boom/", 500, "Something went wrong"),
])
def test_error_pages_are_branded_with_a_way_back(browser, path, status, words):
    html = assert_branded(browser.get(path), status)
    assert words in html


def test_a_visitor_gets_the_same_404_page():
    assert_branded(Client().get("/no-such-page/"), 404)


def test_a_host_we_do_not_serve_gets_the_400_page(browser):
    assert_branded(browser.get("/", HTTP_HOST="evil.example"), 400)


def test_a_form_without_its_csrf_token_gets_a_branded_403():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a@example.com", "password": "x"})
    html = assert_branded(response, 403)
    assert "This form has expired" in html and "Nothing was changed" in html


def test_a_json_path_without_its_csrf_token_answers_json():
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/dashboard/overview", {}, HTTP_ACCEPT="application/json")
    assert json_of(response, 403)["error"].startswith("CSRF verification failed")


def test_429_says_when_to_come_back(browser):
    response = browser.get("/test/throttled/")
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("kind", [UNAVAILABLE, BUSY, READ_ONLY])
def test_503_pages_render_without_the_database(rf, django_db_blocker, kind):
    """The database may be what failed: the pages use neither it nor the session."""
    request = rf.get("/accounts/")
    with django_db_blocker.block():
        response = errors.database_failure_response(request, kind)
    html = assert_branded(response, 503)
    assert response["Retry-After"] == str(errors.RETRY_AFTER[kind])
    assert "no-store" in response["Cache-Control"]
    assert "try again" in html.lower()


def test_the_500_page_renders_without_the_database(rf, django_db_blocker):
    request = rf.get("/accounts/")
    with django_db_blocker.block():
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            response = errors.server_error(request)
    assert_branded(response, 500)


# --- JSON paths ---------------------------------------------------------------------

def json_of(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_json_paths_get_a_json_404(browser):
    assert json_of(browser.get("/dashboard/overview/nope"), 404) == {"error": "Not found."}


def test_a_json_endpoint_that_fails_answers_json_500(browser):
    assert json_of(browser.get("/test/boom.json"), 500) == {"error": "Something went wrong on our side."}


def test_a_client_asking_for_json_gets_json_errors(browser):
    assert json_of(browser.get("/no-such-page/", HTTP_ACCEPT="application/json"), 404) == {"error": "Not found."}
    assert json_of(browser.get("/test/boom/", HTTP_ACCEPT="application/json"), 500)["error"]


def test_a_browser_asking_for_html_and_json_gets_html(browser):
    assert_branded(browser.get("/no-such-page/", HTTP_ACCEPT="text/html,application/json;q=0.9"), 404)
