"""Point 5 of the hardening issue, over HTTP: with BEHIND_PROXY=true, whatever the last
X-Forwarded-For entry looks like (a port after the address, an IPv6 address in brackets,
"unknown", garbage), logging in, resetting a password and registering answer normally:
never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import record_figure

from .conftest import PASSWORD, WRONG_PASSWORD, person

pytestmark = pytest.mark.full

FORWARDED_FOR = [
    "1.2.3.4:5678",
    "[2001:db8::1]:443",
    "unknown",
    "198.51.100.7, 1.2.3.4:5678",
    "198.51.100.7, [2001:db8::2]:8443",
    "198.51.100.7, unknown",
    "2001:db8::3",
    "[2001:db8::4]",
    "1.2.3.4:notaport",
    "999.1.2.3",
    "not an address",
    "_hidden",
    " , ",
    "",
]


@pytest.fixture(scope="module")
def people(provision):
    return provision([person(f"proxy-{n}@example.com") for n in range(len(FORWARDED_FOR))])


@pytest.mark.parametrize("forwarded_for", FORWARDED_FOR, ids=[repr(v) for v in FORWARDED_FOR])
def test_login_works_whatever_the_forwarded_address(app_server, people, forwarded_for):
    n = FORWARDED_FOR.index(forwarded_for)
    client = app_server.client()
    headers = {"X-Forwarded-For": forwarded_for}
    page = client.get("/login/", headers=headers)
    assert page.status == 200, page.describe()
    fields = {**page.form("username").fields, "username": f"proxy-{n}@example.com", "password": PASSWORD}
    response = client.post("/login/", fields, headers=headers)
    assert response.status == 302 and not (response.location or "").startswith("/login"), (
        f"X-Forwarded-For: {forwarded_for!r}: the right password -> {response.describe()}\n{response.text[:500]}")
    assert client.get("/", headers=headers).status == 200


@pytest.mark.parametrize("forwarded_for", FORWARDED_FOR, ids=[repr(v) for v in FORWARDED_FOR])
def test_failures_resets_and_registrations_answer_whatever_the_forwarded_address(app_server, people, forwarded_for):
    n = FORWARDED_FOR.index(forwarded_for)
    headers = {"X-Forwarded-For": forwarded_for}
    client = app_server.client()
    page = client.get("/login/", headers=headers)
    wrong = client.post("/login/", {**page.form("username").fields, "username": f"proxy-nobody-{n}@example.com",
                                    "password": WRONG_PASSWORD}, headers=headers)
    assert wrong.status < 500, f"X-Forwarded-For: {forwarded_for!r}: a wrong password -> {wrong.describe()}"

    reset = app_server.client()
    page = reset.get("/password_reset/", headers=headers)
    answer = reset.post("/password_reset/", {**page.form("email").fields, "email": f"proxy-{n}@example.com"},
                        headers=headers)
    assert answer.status < 500, f"X-Forwarded-For: {forwarded_for!r}: password reset -> {answer.describe()}"

    registrant = app_server.client()
    page = registrant.get("/register/", headers=headers)
    password = "Proxy-Horse-Battery-31"
    answer = registrant.post("/register/", {**page.form("password1").fields, "email": f"proxy-new-{n}@example.com",
                                            "display_name": "Pat Proxy", "password1": password,
                                            "password2": password}, headers=headers)
    assert answer.status < 500, f"X-Forwarded-For: {forwarded_for!r}: registration -> {answer.describe()}"
    record_figure("hardening: X-Forwarded-For values tried (login, failure, reset, registration)", len(FORWARDED_FOR))
