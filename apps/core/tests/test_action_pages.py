"""An action's address opened as a page (apps.core.middleware.ActionPageMiddleware).

Views that take only a form's POST (pause a bill, the quick entry, sign out) answer a GET with
Django's 405 and an empty body, which a browser shows as its own error page. A customer gets
there after the idle sign-out: the login page's ``?next=`` is the action they had clicked. They
get the branded page: nothing was done, and a link to the page the action belongs to."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from apps.bills import services as bill_services
from apps.core.middleware import page_above
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rent(user, frozen_now):
    checking = f.account(user, "Checking", opening="2000.00")
    return bill_services.recurring_create(user=user, kind="bill", name="Rent", amount=D("900.00"),
                                          account_id=checking.pk, category=f.category("rent", user=user),
                                          starts_on=date(2026, 1, 5))


def _page(response) -> str:
    assert response.status_code == 405
    assert response["Allow"].startswith("POST")  # Django's, kept ("POST, OPTIONS" for a class-based view)
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_an_action_opened_as_a_page_says_nothing_was_done_and_links_to_its_page(client, user, rent):
    client.force_login(user)
    html = _page(client.get(f"/bills/{rent.pk}/pause/"))
    assert "Nothing was done" in html and "Error 405" in html
    assert "If you were logged out before the action went through, please do it again." in html
    assert f'class="btn btn-primary" href="/bills/{rent.pk}/">Go to the page of this action</a>' in html
    assert '<a class="navbar-brand" href="/">BankDash</a>' in html  # the branded layout
    rent.refresh_from_db()
    assert not rent.is_paused


def test_signing_in_again_after_the_idle_sign_out_lands_on_the_page_not_a_browser_error(user, rent):
    """The customer clicked "Pause" after being signed out while idle: the login page, then
    (its ?next=) a GET of the action's address."""
    browser = Client(enforce_csrf_checks=False)
    response = browser.post(f"/bills/{rent.pk}/pause/")
    assert response.status_code == 302 and response["Location"] == f"/login/?next=/bills/{rent.pk}/pause/"
    response = browser.post(response["Location"], {"username": user.email, "password": f.PASSWORD}, follow=True)
    html = _page(response)
    assert f'href="/bills/{rent.pk}/">Go to the page of this action</a>' in html
    rent.refresh_from_db()
    assert not rent.is_paused


@pytest.mark.parametrize(("path", "back"), [
    ("/transactions/quick/", "/transactions/"),
    ("/alerts/read-all/", "/alerts/"),
    ("/settings/export/", "/settings/"),
    ("/dashboard/checklist/dismiss/", "/dashboard/"),
    ("/bills/suggestions/dismiss/", "/bills/"),
])
def test_each_action_links_to_the_page_above_it(client, user, path, back):
    client.force_login(user)
    assert f'class="btn btn-primary" href="{back}">' in _page(client.get(path))


def test_a_head_request_gets_the_405_too(client, user):
    client.force_login(user)
    response = client.head("/transactions/quick/")
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_the_page_is_in_the_customers_language(client, user, rent):
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    client.force_login(user)
    html = _page(client.get(f"/bills/{rent.pk}/pause/"))
    assert "Es wurde nichts getan" in html
    assert "Zur Seite dieser Aktion" in html


def test_signing_out_by_its_address_offers_the_button(client, user):
    client.force_login(user)
    response = client.get("/logout/")
    html = _page(response)
    assert "Log out of BankDash?" in html
    assert '<form method="post" action="/logout/"' in html and 'name="csrfmiddlewaretoken"' in html
    # The button signs out (a real browser: the CSRF check on).
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    html = browser.get("/logout/").content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert browser.post("/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert browser.get(reverse("dashboard:home")).status_code == 302  # to the login page


def test_json_endpoints_keep_their_json_405(client, user):
    client.force_login(user)
    response = client.get(reverse("notifications:push_subscribe"))
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed: use POST."}


@pytest.mark.parametrize(("path", "above"), [
    ("/bills/7/pause/", "/bills/7/"),
    ("/rules/3/move/", "/rules/"),
    ("/import/mappings/2/delete/", "/import/"),
    ("/notifications/webhooks/4/test/", "/notifications/webhooks/"),
    ("/logout/", "/"),
])
def test_page_above(path, above):
    assert page_above(path) == above
