"""Logging out ends the session: nothing of the customer's is reachable afterwards,
not even through the browser's back button."""

import re

import pytest
from playwright.sync_api import expect

from apps.core.tests.test_session_renewal import production_sessions

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


# The warning before the idle logout (apps.users.views.session, static/js/session-timeout.js),
# with production's session settings. The browser's clock is Playwright's: it jumps the
# 13 minutes; the server's sessions are as the requests left them.
idle_logout = production_sessions


def _session_expiry(app):
    from django.contrib.sessions.models import Session

    key = next(c["value"] for c in app.context.cookies() if c["name"] == "sessionid")
    return Session.objects.get(session_key=key).expire_date


@pytest.mark.full
def test_the_idle_warning_keeps_what_was_typed_and_unanswered_logs_out(app, make_customer, customer_password,
                                                                      idle_logout):
    from decimal import Decimal

    from apps.transactions.services import account_open

    user = make_customer("idle@example.com")
    account_open(user=user, name="Daily account", opening_balance=Decimal("100.00"))
    page = app.page
    app.context.clock.install()
    app.login("idle@example.com", customer_password)
    app.goto("/transactions/?q=bakery")
    page.locator("#id_quick-payee").fill("Corner bakery")
    page.locator("#id_quick-amount").fill("12.50")
    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    expect(dialog).to_have_count(0)

    page.clock.fast_forward("12:50")  # 12:50 without a request: no warning yet
    page.clock.run_for(1000)
    expect(dialog).to_have_count(0)
    page.clock.fast_forward("00:20")  # 13:10: the session may end at 14:00
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(re.compile(r"you will be logged out in 0:(4\d|50) without activity"))
    stay = dialog.get_by_role("button", name="Stay logged in")
    expect(stay).to_be_focused()
    app.check(force=True)  # axe on the page with its dialog open
    app.screenshot("idle-warning")

    before = _session_expiry(app)
    with page.expect_response("**/session/keep-alive/") as answer:
        stay.click()
    assert answer.value.status == 200
    expect(dialog).to_have_count(0)
    assert _session_expiry(app) > before  # renewed on the server
    # What was typed is still there, and the expense can be sent.
    expect(page.locator("#id_quick-payee")).to_have_value("Corner bakery")
    expect(page.locator("#id_quick-amount")).to_have_value("12.50")

    # Unanswered this time: at 14:00 after the renewal the page logs itself out.
    page.clock.fast_forward("13:01")
    expect(dialog).to_be_visible()
    with page.expect_navigation(url=re.compile(r"/login/")):
        page.clock.fast_forward("01:00")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Ftransactions%2F%3Fq%3Dbakery$"))
    expect(page.get_by_role("alert")).to_contain_text("you were logged out after a while without activity")
    assert not [c for c in app.context.cookies() if c["name"] == "sessionid" and c["value"]]
    app.check()


@pytest.mark.full
def test_working_in_another_tab_keeps_the_warning_away(app, make_customer, customer_password, idle_logout):
    make_customer("tabs@example.com")
    app.context.clock.install()
    app.login("tabs@example.com", customer_password)
    first = app.page
    app.goto("/accounts/")
    second = app.context.new_page()
    app.problems.attach(second)
    second.goto("/budgets/")

    first.clock.fast_forward("13:10")
    dialog = first.get_by_role("alertdialog", name="Are you still there?")
    expect(dialog).to_be_visible()
    second.goto("/alerts/")  # a request in the other tab renewed the session
    expect(dialog).to_have_count(0)
    expect(first).to_have_url(re.compile(r"/accounts/$"))

    # Warned again, the customer logs out from the dialog: both tabs' session ends.
    first.clock.fast_forward("13:10")
    expect(dialog).to_be_visible()
    with first.expect_navigation(url=re.compile(r"/login/")):
        dialog.get_by_role("button", name="Log out now").click()
    assert not [c for c in app.context.cookies() if c["name"] == "sessionid" and c["value"]]
    expect(first.get_by_role("alert")).to_have_count(0)  # no idle message: they chose to leave
    second.reload()
    expect(second).to_have_url(re.compile(r"/login/\?next=/alerts/"))
    app.assert_no_problems()
