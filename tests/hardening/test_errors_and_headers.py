"""Points 3, 8, 9 and 10 of the hardening issue, over HTTP against gunicorn in production
settings: branded error pages (JSON on JSON paths), Cache-Control: no-store on every page
a signed-in customer sees, /health/ without secrets, X-Request-ID, and production settings
as the default of the entry points.

This file is the default tier's representative of the hardening suite: one gunicorn (a
second, one-worker one for the default-settings test), a few seconds of requests.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import record_figure

from .checks import assert_branded_page, assert_json_error, cache_control_tokens
from .conftest import PASSWORD, person
from .servers import PYTHON, REPO, production_env
from .webclient import fresh_ip, login

CUSTOMER = "errors-customer@example.com"
PASSWORD_RESET_BOUND = 30  # requests at most to see a 429, even with a counter per worker


@pytest.fixture(scope="module")
def people(provision):
    return provision([person(CUSTOMER, display_name="Erin Errors", accounts={"Everyday": "250.00"})])


@pytest.fixture(scope="module")
def customer(app_server, people):
    """A signed-in customer's client."""
    client = app_server.client(ip=fresh_ip())
    result = login(client, CUSTOMER, PASSWORD)
    assert result.logged_in, f"the customer could not log in: {result.describe()}"
    return client


def account_id(people) -> int:
    return people["users"][CUSTOMER]["accounts"]["Everyday"]


# ---------------------------------------------------------------------------
# Error pages (point 8)
# ---------------------------------------------------------------------------

def test_404_is_a_branded_page_with_a_link_home(app_server, customer, people):
    assert_branded_page(app_server.client(ip=fresh_ip()).get("/no-such-page/"), 404)
    # A signed-in customer asking for an account that is not theirs (or does not exist).
    assert_branded_page(customer.get("/accounts/987654321/"), 404)


def test_403_pages_are_branded(app_server, customer):
    # A customer at the admin, which is for staff only.
    assert_branded_page(customer.get("/admin/login/"), 403)
    # A form posted without its CSRF token (the cookie is there, the token is not).
    visitor = app_server.client(ip=fresh_ip())
    visitor.get("/login/")
    assert_branded_page(visitor.post("/login/", {"username": CUSTOMER, "password": PASSWORD}), 403)


def test_400_bad_host_is_a_branded_page(app_server):
    response = app_server.client(ip=fresh_ip()).get("/login/", headers={"Host": "evil.example"})
    assert_branded_page(response, 400)


def test_429_is_a_branded_page(app_server):
    """Password reset requests from one address, until the throttle answers 429 (bounded:
    a per-worker counter would still show a 429 within 4 x 5 + 1 requests)."""
    client = app_server.client(ip=fresh_ip())
    statuses = []
    for n in range(PASSWORD_RESET_BOUND):
        response = client.submit("/password_reset/", {"email": f"errors-429-{n}@example.com"}, containing="email")
        statuses.append(response.status)
        if response.status == 429:
            assert_branded_page(response, 429)
            assert "try again" in response.text.lower() or "wait" in response.text.lower(), response.text[:800]
            return
        assert response.status == 302, response.describe()
    pytest.fail(f"no 429 within {PASSWORD_RESET_BOUND} password reset requests from one address: {statuses}")


def test_json_paths_answer_json_errors(app_server, customer):
    assert_json_error(customer.get_json("/dashboard/overview/no-such-thing"), 404)
    assert_json_error(customer.get_json("/dashboard/overview?month=not-a-month"), 400)
    token = {"csrfmiddlewaretoken": customer.cookies["csrftoken"]}
    assert_json_error(customer.post("/dashboard/overview", token, headers={"Accept": "application/json"}), 405)
    assert_json_error(app_server.client(ip=fresh_ip()).get_json("/dashboard/overview"), 401)


def test_a_json_path_refusing_a_post_without_csrf_token_answers_json(customer):
    assert_json_error(customer.post("/dashboard/overview", {}, headers={"Accept": "application/json"}), 403)


# ---------------------------------------------------------------------------
# Cache-Control on authenticated pages (point 9)
# ---------------------------------------------------------------------------

def test_every_authenticated_page_is_no_store(customer, people):
    pages = ["/", "/accounts/", "/transactions/", "/budgets/", "/alerts/", "/account/two-factor/",
             f"/accounts/{account_id(people)}/", "/transactions/expense/new/", "/transactions/categories/",
             "/budgets/new/", "/password_change/", "/dashboard/overview", "/settings/activity/"]
    missing = []
    for path in pages:
        response = customer.get(path)
        assert response.status == 200, f"{response.describe()}: a signed-in page should answer 200"
        if "no-store" not in cache_control_tokens(response):
            missing.append(f"{path}: Cache-Control {response.header('Cache-Control')!r}")
    record_figure("hardening: signed-in pages checked for Cache-Control: no-store", len(pages))
    assert not missing, "signed-in pages a browser or proxy may store:\n  " + "\n  ".join(missing)


# ---------------------------------------------------------------------------
# /health/ and X-Request-ID (point 10, the operations side of point 8)
# ---------------------------------------------------------------------------

def test_health_reports_database_cache_and_migrations_without_secrets(app_server, secret_key, private_pg):
    response = app_server.client().get_json("/health/")
    assert response.status == 200, f"{response.describe()}: {response.text[:500]}"
    assert response.content_type == "application/json", response.header("Content-Type")
    body = response.json()
    text = response.text.lower()
    for check in ("database", "cache", "migrations"):
        assert check in text, f"/health/ does not report on {check}: {body}"
    for secret in (secret_key, private_pg.url(), "postgres://", "password", "secret"):
        assert secret.lower() not in text, f"/health/ shows {secret!r}: {body}"
    # Not cached, and not behind the login.
    assert response.header("Location") is None


def test_every_response_carries_a_request_id(app_server, customer):
    responses = [customer.get("/"), customer.get("/no-such-page/"), customer.get_json("/dashboard/overview"),
                 app_server.client().get("/login/"), app_server.client().get("/accounts/")]
    ids = []
    for response in responses:
        rid = response.header("X-Request-ID")
        assert rid, f"{response.describe()}: no X-Request-ID header"
        ids.append(rid)
    assert len(set(ids)) == len(ids), f"request ids repeat: {ids}"


# ---------------------------------------------------------------------------
# Production is the default (point 3)
# ---------------------------------------------------------------------------

def test_gunicorn_without_settings_module_serves_production(start_gunicorn, private_pg, secret_key):
    """gunicorn bankdash.wsgi with DJANGO_SETTINGS_MODULE unset, as the Procfile runs it:
    DEBUG off (Django's technical 404 page would show the URL patterns) and the cookies of
    production (Secure)."""
    env = production_env(database_url=private_pg.url(), secret_key=secret_key, settings_module=None)
    server = start_gunicorn("default-settings", env, workers=1)
    try:
        client = server.client(ip=fresh_ip())
        assert_branded_page(client.get("/no-such-page/"), 404)
        login_page = client.get("/login/")
        csrf_cookie = [v for k, v in login_page.headers if k.lower() == "set-cookie" and v.startswith("csrftoken=")]
        assert csrf_cookie and "secure" in csrf_cookie[0].lower(), \
            f"the CSRF cookie is not Secure, as production sets it: {csrf_cookie}"
    finally:
        server.stop()


def test_asgi_and_procfile_default_to_production(private_pg, secret_key):
    env = production_env(database_url=private_pg.url(), secret_key=secret_key, settings_module=None)
    assert "DJANGO_SETTINGS_MODULE" not in env
    probe = ("import bankdash.asgi, os; from django.conf import settings; "
             "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG)")
    result = subprocess.run([str(PYTHON), "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["bankdash.settings.production", "False"], result.stdout
    procfile = (REPO / "Procfile").read_text()
    web = next((line for line in procfile.splitlines() if line.startswith("web:")), "")
    assert "bankdash.wsgi" in web or "bankdash.asgi" in web, f"Procfile web process: {web!r}"
    assert "settings.local" not in procfile and "DEBUG=" not in procfile.replace(" ", ""), procfile
    if "DJANGO_SETTINGS_MODULE" in web:
        assert "bankdash.settings.production" in web, web
