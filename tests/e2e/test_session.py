"""Logging out ends the session: nothing of the customer's is reachable afterwards,
not even through the browser's back button."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# The default tier: the dashboard (its browser tests are a representative few: conftest.py).
@pytest.mark.parametrize("last_page", ["/", *(pytest.param(page, marks=pytest.mark.full)
                                             for page in ("/accounts/", "/transactions/"))])
def test_logout_ends_the_session_and_back_shows_the_login_page(app, make_customer, customer_password, last_page):
    make_customer("lena@example.com", display_name="Lena")
    app.login("lena@example.com", customer_password)
    page = app.page
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Lena")
    app.goto(last_page)

    app.logout()
    expect(page.get_by_role("heading", name="Log in to BankDash")).to_be_visible()
    assert not [c for c in app.context.cookies() if c["name"] == "sessionid"]

    # Back: the browser asks again (or replays its copy) and must land on the login page.
    page.go_back()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", name="Log in to BankDash")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Lena")
    app.check()

    # Any page of the app now asks to log in.
    app.goto("/transactions/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/transactions/"))
