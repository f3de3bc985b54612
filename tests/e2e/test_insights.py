"""The Insights page in a browser: every chart drawn (Sankey included) under the strict CSP,
tables folded away but present, no console error, axe-core clean; a phone viewport too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import Account
from apps.budgets.services import budget_create
from apps.transactions.models import Category
from apps.transactions.services import account_open, expense_post, income_post, transfer_create

from .support import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_the_insights_page(app, open_app, make_customer, customer_password):
    user = make_customer("ines@example.com")
    today = timezone.localdate()
    month = today.replace(day=1)
    last = (month - timedelta(days=1)).replace(day=1)
    c = {x.name: x for x in Category.objects.filter(owner__isnull=True)}
    checking = account_open(user=user, name="Checking", opening_balance=Decimal("2000.00"), opened_on=date(2024, 1, 1))
    savings = account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS, opened_on=date(2024, 1, 1))
    euros = account_open(user=user, name="Euros", currency="EUR", opening_balance=Decimal("300.00"),
                         opened_on=date(2024, 1, 1))
    for m in (last, month):
        income_post(user=user, account_id=checking.pk, amount=Decimal("2500.00"), category=c["salary"], occurred_on=m)
        expense_post(user=user, account_id=checking.pk, amount=Decimal("900.00"), category=c["rent"], occurred_on=m,
                     description="Landlord")
        expense_post(user=user, account_id=checking.pk, amount=Decimal("84.20"), category=c["food"], occurred_on=m,
                     description="STARBUCKS #12")
        expense_post(user=user, account_id=euros.pk, amount=Decimal("12.00"), category=c["food"], occurred_on=m,
                     description="Café")
    transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk, amount=Decimal("100.00"),
                    occurred_on=month)
    for name, limit in (("rent", "850.00"), ("food", "1250.00"), ("entertainment", "120.00")):
        budget_create(user=user, category=c[name], limit=Decimal(limit))
    app.login(user.email, customer_password)
    app.goto("/insights/")
    for slug in ("usd", "eur"):
        for chart in ("cash-flow", "categories", "changes", "merchants", "net-worth", "sankey"):
            expect(app.page.locator(f"#chart-{chart}-{slug}")).to_be_visible()
        expect(app.page.locator(f"#table-cash-flow-{slug}")).to_be_hidden()
    app.check(force=True)
    app.screenshot("insights-desktop")
    app.page.locator("#table-cash-flow-usd").locator("xpath=ancestor::details").locator("summary").click()
    expect(app.page.locator("#table-cash-flow-usd")).to_be_visible()
    # The health score's "Why" is a column on a wide screen, and a row under each part on a phone.
    health = app.page.locator("#table-health-usd")
    expect(health.get_by_role("columnheader", name="Why")).to_be_visible()
    expect(health.locator("tr.health-why").first).to_be_hidden()
    phone = open_app(viewport=PHONE)
    phone.login(user.email, customer_password)
    phone.goto("/insights/")
    expect(phone.page.locator("#chart-sankey-usd")).to_be_visible()
    phone.check(force=True)
    width = phone.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0
    health = phone.page.locator("#table-health-usd")
    expect(health.get_by_role("columnheader", name="Why")).to_be_hidden()
    savings_why = health.locator("tr[data-component=savings_rate] + tr.health-why")
    expect(savings_why).to_be_visible()
    expect(savings_why).to_contain_text("of your income")
    # Two columns the width of the card: nothing to scroll sideways inside it either, and the
    # explanation as wide as the part and its points together (it was a column of a few words).
    assert health.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0
    assert savings_why.bounding_box()["width"] >= health.bounding_box()["width"] - 2
    # The budgets' table keeps each budget's spent and projected on the screen (the limit and the
    # outlook go under the name there): it scrolled 630 px sideways, every figure out of sight.
    budgets = phone.page.locator("#table-budgets-usd")
    assert budgets.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0
    rent = budgets.locator("tr", has_text="Rent")
    expect(rent.locator("[data-phone-outlook]")).to_contain_text("Over budget")
    expect(rent.locator("th")).to_contain_text("Limit 850.00")
    # The twelve months by category are wider than a phone and scroll inside their box: each
    # category's name stays in sight at its left, over the months that go by under it.
    categories = phone.page.locator("#table-categories-usd")
    categories.locator("xpath=ancestor::details").locator("summary").click()
    box = categories.locator("xpath=..")
    assert box.evaluate("b => b.scrollWidth - b.clientWidth") > 100
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    rent_name = categories.locator("tbody tr", has_text="Rent").locator("th")
    left = box.bounding_box()["x"]
    assert abs(rent_name.bounding_box()["x"] - left) < 1, "the category's name scrolled out of sight"
    hit = phone.page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent.trim()",
                              [left + 5, rent_name.bounding_box()["y"] + 5])
    assert hit == "Rent"  # on top of the figures scrolled under it
    phone.screenshot("insights-phone")
