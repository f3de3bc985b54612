"""Issue 16, point 1: a dark theme that follows the system setting, with a choice that is
remembered, and charts that follow it. (The screenshots suite takes pages in both themes and
runs axe-core on each.)"""

import pytest
from playwright.sync_api import expect

from tests.factories import account, expense

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THEME = "document.documentElement.dataset.bsTheme"
CHART_TEXT = "window.Chart ? window.Chart.defaults.color : null"
BODY_TEXT = "getComputedStyle(document.documentElement).getPropertyValue('--bs-body-color').trim()"


def choose(app, name):
    app.page.locator("#themeMenu").first.click()
    app.page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_the_theme_follows_the_device_until_chosen_and_the_choice_is_remembered(open_app, make_customer,
                                                                                 customer_password):
    customer = make_customer("theo@example.com")
    checking = account(customer, "Checking", opening="900.00")
    expense(checking, "45.10")
    app = open_app(color_scheme="dark")
    page = app.page
    app.goto("/login/")
    assert page.evaluate(THEME) == "dark"  # the device says dark; nothing chosen yet
    app.login("theo@example.com", customer_password)
    app.goto("/")
    assert page.evaluate(THEME) == "dark"
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length >= 1")
    dark_text = page.evaluate(CHART_TEXT)
    assert dark_text == page.evaluate(BODY_TEXT) == "#dee2e6"  # the charts' text is the dark theme's

    page.set_viewport_size({"width": 1280, "height": 800})
    choose(app, "Light")
    assert page.evaluate(THEME) == "light"
    assert page.evaluate(CHART_TEXT) == page.evaluate(BODY_TEXT) == "#212529"  # redrawn in the new colours
    expect(page.locator("button[data-theme-choice=light]").first).to_have_attribute("aria-pressed", "true")
    app.check(force=True)

    app.goto("/transactions/")
    assert page.evaluate(THEME) == "light"  # remembered across pages (and the device still says dark)
    page.reload()
    assert page.evaluate(THEME) == "light"

    choose(app, "Same as this device")
    assert page.evaluate(THEME) == "dark"
    page.emulate_media(color_scheme="light")  # the device switches while the page is open
    page.wait_for_function(f"() => {THEME} === 'light'")
    app.assert_no_problems()
