"""Where one is signed in, in two real browsers: a laptop signs the phone out from the settings
page, and the phone's next click lands on the login page. Both pages pass the browser checks
(axe, labels, CSP, no console errors); screenshots at desktop and phone size."""

import pytest
from playwright.sync_api import expect

from .support import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_a_laptop_signs_the_phone_out(open_app, make_customer, customer_password):
    user = make_customer("two-browsers@example.com")
    phone = open_app(viewport=PHONE, user_agent=SAFARI_IPHONE)
    phone.login(user.email, customer_password)
    laptop = open_app()
    laptop.login(user.email, customer_password)

    laptop.goto("/settings/")
    sessions = laptop.page.locator("#signed-in-sessions")
    expect(sessions.locator("li")).to_have_count(2)
    expect(sessions.locator("li").first).to_contain_text("This browser")
    expect(sessions.locator("li").nth(1)).to_contain_text("Safari on iOS")
    laptop.screenshot("sessions-desktop")
    phone.goto("/settings/")
    expect(phone.page.locator("#signed-in-sessions li").first).to_contain_text("Safari on iOS")
    phone.screenshot("sessions-phone")

    laptop.submit("Sign out Safari on iOS")

    expect(laptop.success_message()).to_contain_text("Signed out: Safari on iOS.")
    expect(sessions.locator("li")).to_have_count(1)
    expect(laptop.page.get_by_role("button", name="Sign out everywhere else")).to_have_count(0)
    phone.page.reload()
    phone.page.wait_for_url("**/login/**")
    expect(phone.page.get_by_role("button", name="Log in")).to_be_visible()
