"""Staff log in to the admin (with their second factor when it is required) and find a
customer's transactions. The clock is not frozen (see tests/clock.py): the entries are
dated the customer's today."""

import re
import uuid
from decimal import Decimal

import pytest
from django.apps import apps
from playwright.sync_api import expect

from apps.core.dates import user_today
from apps.transactions.models import Category
from apps.transactions.services import account_open, expense_post
from apps.users.roles import SUPPORT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def totp_code_for(user) -> str | None:
    """A confirmed TOTP device for ``user`` and its current code (None without django-otp)."""
    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return None
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_staff_logs_in_to_the_admin_and_finds_the_customers_transactions(app, make_customer, customer_password):
    customer = make_customer("carla@example.com")
    account = account_open(user=customer, name="Carla's checking", opening_balance=Decimal("300.00"))
    food = Category.objects.get(owner__isnull=True, name="food")
    for amount, description in ((Decimal("12.40"), "Corner shop"), (Decimal("48.99"), "Weekly groceries")):
        expense_post(user=customer, account_id=account.pk, amount=amount, category=food,
                     occurred_on=user_today(customer), description=description, form_token=uuid.uuid4())
    make_customer("someone-else@example.com")
    staff = UserFactory(email="sam@example.com", role=SUPPORT)  # is_staff, view permissions
    code = totp_code_for(staff)
    page = app.page

    # The admin sends a visitor to the one login page, then (with a device) to the code page.
    app.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/login/"))
    # By name: the same fields on BankDash's login page and on the admin's own.
    page.locator("input[name=username]").fill("sam@example.com")
    page.locator("input[name=password]").fill(customer_password)
    app.submit("Log in")
    if code is not None:
        expect(page).to_have_url(re.compile(r"/login/verify/"))
        app.field("Authentication code").fill(code)
        app.submit("Verify")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()

    with page.expect_navigation():
        page.locator("#content-main a[href$='/transactions/transaction/']").first.click()
    app.check()
    search = page.get_by_role("textbox", name="Search")
    search.fill("carla@example.com")
    search.press("Enter")
    page.wait_for_url(re.compile(r"\?q=carla"))
    app.check()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)  # the opening balance and two expenses
    expect(page.locator("#result_list")).to_contain_text("Weekly groceries")
    expect(page.locator("#result_list")).to_contain_text("48.99")
    expect(page.locator("#result_list")).not_to_contain_text("someone-else@example.com")


ADMIN_LISTS = ["audit/auditevent", "transactions/transaction", "transactions/monthlytotal", "transactions/category",
               "accounts/account", "budgets/budget", "bills/recurringitem", "bills/occurrence", "alerts/alert",
               "rewards/pointsentry", "users/user"]


@pytest.mark.full
def test_every_admin_list_fits_1280_pixels_with_money_signed_and_in_its_currency(app, make_customer,
                                                                                 customer_password):
    """Issue 16, point 9: nothing cut off at 1280 px wide (no sideways scroll), amounts with sign and
    currency, the trail as sentences."""
    from tests.factories import customer_with_everything

    customer = make_customer("dora@example.com")
    customer_with_everything(customer)
    staff = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    code = totp_code_for(staff)
    page = app.page
    page.set_viewport_size({"width": 1280, "height": 800})
    app.goto("/admin/", check=False)
    page.locator("input[name=username]").fill("root@example.com")
    page.locator("input[name=password]").fill(customer_password)
    app.submit("Log in")
    if code is not None:
        app.field("Authentication code").fill(code)
        app.submit("Verify")
    for path in ADMIN_LISTS:
        app.goto(f"/admin/{path}/", check=False)
        assert page.locator("#changelist").count() == 1, path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/admin/{path}/ scrolls sideways by {overflow}px at 1280 px"
    app.goto("/admin/transactions/transaction/", check=False)
    assert re.search(r"[−+][\d,]+\.\d\d [A-Z]{3}", page.locator("#result_list").inner_text())
    app.goto("/admin/audit/auditevent/", check=False)
    expect(page.locator("#result_list")).to_contain_text("dora@example.com added")
    app.assert_no_problems()
