"""The login page says why a customer is there after the idle logout
(apps.users.middleware.LoginRequiredMiddleware): the browser still sends the cookie of a
session that has ended. Production's session settings, the clock moved by time-machine."""

import pytest
from django.test import Client

from apps.core.tests.test_session_renewal import clock, production_sessions  # noqa: F401
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SAYS_WHY = 'For your safety, you were logged out after a while without activity.'


def _login(client, user, path="/login/"):
    response = client.post(path, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_after_the_idle_logout_the_login_page_says_why_and_goes_on_to_the_page(production_sessions, clock):  # noqa: F811
    user = UserFactory()
    browser = Client()
    _login(browser, user)
    assert browser.get("/accounts/").status_code == 200
    clock.shift(15 * 60 + 1)  # idle 15:01

    response = browser.get("/budgets/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/budgets/"
    page = browser.get(response["Location"]).content.decode()
    assert SAYS_WHY in page
    assert page.count(SAYS_WHY) == 1

    response = _login(browser, user, "/login/?next=/budgets/")
    assert response["Location"] == "/budgets/"
    assert SAYS_WHY not in browser.get("/budgets/").content.decode()  # said once


def test_a_form_sent_after_the_idle_logout_says_why_too(production_sessions, clock):  # noqa: F811
    user = UserFactory()
    browser = Client()
    _login(browser, user)
    clock.shift(15 * 60 + 1)
    response = browser.post("/transactions/quick/", {"amount": "12.50"})
    assert response["Location"] == "/login/?next=/transactions/quick/"
    assert SAYS_WHY in browser.get(response["Location"]).content.decode()


def test_the_login_page_says_nothing_of_it_after_logging_out_or_to_a_new_visitor(production_sessions, clock):  # noqa: F811
    user = UserFactory()
    browser = Client()
    _login(browser, user)
    browser.post("/logout/")
    clock.shift(15 * 60 + 1)
    response = browser.get("/accounts/")
    assert response.status_code == 302
    assert SAYS_WHY not in browser.get(response["Location"]).content.decode()

    visitor = Client()
    response = visitor.get("/accounts/")
    assert SAYS_WHY not in visitor.get(response["Location"]).content.decode()


def test_the_reason_is_in_german_for_a_german_browser(production_sessions, clock):  # noqa: F811
    user = UserFactory()
    browser = Client(headers={"Accept-Language": "de-DE"})
    _login(browser, user)
    clock.shift(15 * 60 + 1)
    response = browser.get("/accounts/")
    page = browser.get(response["Location"]).content.decode()
    assert "Zu Ihrer Sicherheit wurden Sie nach einer Weile ohne Aktivität abgemeldet." in page
