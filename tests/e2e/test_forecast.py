"""The forecast in a browser: the account page's chart (drawn from json_script under the
strict CSP, its lowest point marked, the table folded away), the bills calendar on a desktop
and a phone, "safe to spend" on the dashboard, and the expense form's preview, whose warning
comes back in the confirmation. Every page passes the App checks (no console error or CSP
violation, axe-core, labels)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import Account
from apps.bills.services import recurring_create
from apps.transactions.models import Category
from apps.transactions.services import account_open, expense_post

from .support import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def household(make_customer):
    """Checking 1,000.00 with a 100.00 buffer (opened a month ago, 60.00 spent since); rent
    850.00 in 5 days, salary 2,000.00 in 20."""
    user = make_customer("fran@example.com")
    today = timezone.localdate()
    categories = {c.name: c for c in Category.objects.filter(owner__isnull=True)}
    checking = account_open(user=user, name="Checking", opening_balance=Decimal("1060.00"),
                            opened_on=today - timedelta(days=30))
    expense_post(user=user, account_id=checking.pk, amount=Decimal("60.00"), category=categories["food"],
                 occurred_on=today - timedelta(days=10))
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=Decimal("100.00"))
    recurring_create(user=user, kind="bill", name="Rent", amount=Decimal("850.00"), account_id=checking.pk,
                     starts_on=today + timedelta(days=5), category=categories["rent"])
    recurring_create(user=user, kind="income", name="Salary", amount=Decimal("2000.00"), account_id=checking.pk,
                     starts_on=today + timedelta(days=20), category=categories["salary"])
    return user, checking


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_the_forecast_pages(app, open_app, household, customer_password):
    user, checking = household
    app.login(user.email, customer_password)

    # The dashboard: safe to spend is 1,000.00 - 850.00 - 100.00.
    expect(app.page.locator("#safe-to-spend-total")).to_have_attribute("data-amount", "50.00")
    app.screenshot("forecast-dashboard")

    # The account page: the chart is drawn, the table folded away but still there.
    app.goto(f"/accounts/{checking.pk}/")
    expect(app.page.locator("#chart-forecast")).to_be_visible()
    expect(app.page.locator("#table-forecast")).to_be_hidden()
    assert app.page.locator(".forecast-table[data-chart-table]").get_attribute("open") is None
    expect(app.page.locator("#forecast-lowest")).to_have_attribute("data-amount", "150.00")
    expect(app.page.locator("#lowest-before-income")).to_have_attribute("data-amount", "150.00")
    app.page.get_by_role("link", name="60 days").click()
    app.page.wait_for_url(re.compile(r"forecast_days=60"))
    app.check(force=True)
    app.page.get_by_role("link", name="Include my usual spending (estimate)").click()
    app.page.wait_for_url(re.compile(r"estimate=1"))
    app.check(force=True)
    expect(app.page.locator("#forecast-estimate")).to_contain_text("about 2.00 USD a day")
    app.screenshot("forecast-account")

    # The calendar: a grid on a desktop, a list on a phone.
    rent_month = (timezone.localdate() + timedelta(days=5)).strftime("%Y-%m")
    app.goto(f"/bills/calendar/?month={rent_month}")
    expect(app.page.locator("#calendar-grid")).to_be_visible()
    expect(app.page.locator("#calendar-grid")).to_contain_text("Rent")
    app.screenshot("forecast-calendar")
    phone = open_app(viewport=PHONE)
    phone.login(user.email, customer_password)
    phone.goto(f"/bills/calendar/?month={rent_month}")
    expect(phone.page.locator("#calendar-list")).to_be_visible()
    expect(phone.page.locator("#calendar-grid")).to_be_hidden()
    expect(phone.page.locator("#calendar-list")).to_contain_text("Rent")
    phone.screenshot("forecast-calendar-phone")

    # The only open account is chosen already. Sent back with its amount marked wrong, the form
    # says so once, under the field: the preview (which says it as one types) waits for a key.
    app.goto("/transactions/expense/new/")
    expect(app.field("Account")).to_have_value(str(checking.pk))
    app.field("Amount").fill("12,5x")
    app.submit("Add expense")
    expect(app.page.locator("#id_amount_error")).to_contain_text("Enter an amount as a number")
    preview = app.page.locator("#expense-preview")
    app.page.wait_for_timeout(1000)  # the preview would have answered by now
    expect(preview).to_be_empty()

    # The expense form says what the expense will do, and the confirmation says it again.
    app.goto(f"/transactions/expense/new/?account={checking.pk}")
    app.field("Amount").fill("100.00")
    app.select("Category", "Food")
    warning = "This leaves 900.00 USD in Checking"
    expect(preview).to_contain_text(warning)
    expect(preview).to_contain_text("and Rent (850.00 USD) is due on")
    line = preview.locator("p").last.text_content()
    app.screenshot("forecast-expense-preview")
    app.check(force=True)
    app.submit("Add expense")
    expect(app.success_message()).to_contain_text(line)


# The y axis's labels and the chart's text colour, as Chart.js drew them.
Y_TICKS = "id => window.Chart.getChart(document.getElementById(id)).scales.y.ticks.map(t => t.label)"
TICK_COLOUR = "id => window.Chart.getChart(document.getElementById(id)).scales.y.options.ticks.color"
BODY_TEXT = "getComputedStyle(document.documentElement).getPropertyValue('--bs-body-color').trim()"


@pytest.mark.full
def test_an_accounts_charts_write_money_as_the_page_does_in_the_customers_format_and_theme(open_app, make_customer,
                                                                                          customer_password):
    """The balance and forecast charts wrote "$1,000.00" and "-$20.00" (the browser's currency
    style) beside a page that writes "1,000.00 USD" and "−20.00 USD"; and the balance chart kept
    Chart.js's grey text on the dark theme. Both now go through static/js/charts.js."""
    user = make_customer("greta@example.com", locale="de-DE", default_currency="EUR")
    today = timezone.localdate()
    food = Category.objects.get(owner__isnull=True, name="food")
    account = account_open(user=user, name="Kreditkarte", kind=Account.Kind.CREDIT_CARD, currency="EUR",
                           credit_limit=Decimal("5000.00"), opened_on=today - timedelta(days=100))
    expense_post(user=user, account_id=account.pk, amount=Decimal("1250.50"), category=food,
                 occurred_on=today - timedelta(days=40))  # months that ended below zero
    app = open_app(color_scheme="dark")
    app.login(user.email, customer_password)
    app.goto(f"/accounts/{account.pk}/")
    expect(app.page.locator("#chart-balance")).to_be_visible()
    expect(app.page.locator("#chart-forecast")).to_be_visible()
    german = re.compile(r"−?\d{1,3}(\.\d{3})*,\d\d €")  # 1.250,50 €, −49,50 €
    for chart in ("chart-balance", "chart-forecast"):
        app.page.wait_for_function("id => window.Chart.getChart(document.getElementById(id))", arg=chart)
        ticks = app.page.evaluate(Y_TICKS, chart)
        assert ticks and all(german.fullmatch(tick) for tick in ticks), (chart, ticks)
        assert app.page.evaluate(TICK_COLOUR, chart) == app.page.evaluate(BODY_TEXT) == "#dee2e6", chart
    assert any(tick.startswith("−") for tick in app.page.evaluate(Y_TICKS, "chart-balance"))
    app.check(force=True)

    # In English the figures end with the code, as on the page ("1,250.50 USD", not "$1,250.50").
    english = make_customer("gary@example.com")
    card = account_open(user=english, name="Card", kind=Account.Kind.CREDIT_CARD, credit_limit=Decimal("5000.00"),
                        opened_on=today - timedelta(days=100))
    expense_post(user=english, account_id=card.pk, amount=Decimal("1250.50"), category=food,
                 occurred_on=today - timedelta(days=40))
    light = open_app()
    light.login(english.email, customer_password)
    light.goto(f"/accounts/{card.pk}/")
    for chart in ("chart-balance", "chart-forecast"):
        light.page.wait_for_function("id => window.Chart.getChart(document.getElementById(id))", arg=chart)
        ticks = light.page.evaluate(Y_TICKS, chart)
        assert ticks and all(re.fullmatch(r"−?\d{1,3}(,\d{3})*\.\d\d USD", tick) for tick in ticks), (chart, ticks)
