"""Nothing private is kept by a browser or a shared cache: every page of a signed-in
customer, and the sign-in pages, answer Cache-Control: no-store, private."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    assert response.status_code == 200, response.status_code
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control, cache_control


@pytest.mark.parametrize("name", [
    "accounts:list", "transactions:list", "budgets:list", "alerts:list",
    "two_factor",  # shows the TOTP secret while setting it up
    "dashboard:home", "dashboard:overview", "password_change", "transactions:expense",
])
def test_signed_in_pages_are_not_stored(logged_in, user, name):
    AccountFactory(owner=user)  # the money forms send a customer without an account to open one first
    assert_not_stored(logged_in.get(reverse(name)))


@pytest.mark.parametrize("name", ["login", "register", "password_reset"])
def test_sign_in_pages_are_not_stored(name):
    assert_not_stored(Client().get(reverse(name)))  # their form carries a CSRF token


def test_a_visitor_coming_back_to_the_login_page_is_not_stored_either():
    client = Client()
    client.get(reverse("login"))  # the CSRF cookie is set now; the next answer sets none
    assert_not_stored(client.get(reverse("login")))


def test_static_files_keep_their_cache_lifetime(logged_in):
    response = logged_in.get("/static/css/bankdash.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
