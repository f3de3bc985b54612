"""The whole customer journey in a browser, from registration to the dashboard figures."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.transactions.models import Transaction

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "s3cure-Passw0rd!"


def register(app, *, email, name):
    """Register, then follow the activation link emailed to ``email`` (the live server runs
    in this process: its locmem outbox is this test's) and activate: logged in."""
    app.goto("/register/")
    app.field("Email address").fill(email)
    app.field("Display name").fill(name)
    app.field("Password").fill(PASSWORD)
    app.field("Confirm password").fill(PASSWORD)
    app.submit("Create account")
    expect(app.page.get_by_role("heading", name="Check your email")).to_be_visible()
    [message] = [m for m in mail.outbox if m.to == [email]]
    link = next(word for word in message.body.split() if "/activate/" in word)
    app.goto(urlsplit(link).path)
    app.field("Password").fill(PASSWORD)
    app.submit("Activate my account")


def open_account(app, *, name, opening_balance):
    app.goto("/accounts/")
    app.follow("Open an account")
    app.field("Name").fill(name)
    app.field("Opening balance").fill(opening_balance)
    app.submit("Open account")
    expect(app.success_message()).to_contain_text(f"Account “{name}” opened with {opening_balance} USD")


def add_entry(app, kind, *, account, amount, category, description):
    """Add income or expense ("Add income" / "Add expense") from the transactions page."""
    app.goto("/transactions/")
    app.follow(kind)
    app.select("Account", account)
    app.field("Amount").fill(amount)
    app.select("Category", category)
    app.field("Description").fill(description)
    app.submit(kind)


def test_new_customer_from_registration_to_an_exceeded_budget(app):
    page = app.page

    # Registration lands on the dashboard's first steps.
    register(app, email="ada@example.com", name="Ada")
    expect(app.success_message()).to_contain_text("Welcome to BankDash, Ada")
    expect(page.locator("#empty-state")).to_be_visible()
    assert app.badge_count() == 0

    # Two accounts, a salary, a transfer.
    open_account(app, name="Everyday checking", opening_balance="100.00")
    open_account(app, name="Rainy-day savings", opening_balance="0.00")
    add_entry(app, "Add income", account="Everyday checking", amount="2500.00", category="salary",
              description="November salary")
    expect(app.success_message()).to_contain_text("Income of 2,500.00 USD recorded on “Everyday checking”")
    expect(page.locator("#account-balance")).to_have_text("2,600.00 USD")

    app.goto("/transactions/")
    app.follow("Transfer")
    app.select("From", "Everyday checking")
    app.select("To", "Rainy-day savings")
    app.field("Amount").fill("500.00")
    app.field("Description").fill("Savings")
    app.submit("Transfer")
    expect(app.success_message()).to_contain_text(
        "Transferred 500.00 USD from “Everyday checking” to “Rainy-day savings”"
    )
    expect(page.locator("#account-balance")).to_have_text("2,100.00 USD")

    # A monthly food budget of 100 (warning at the default 80 %).
    app.goto("/budgets/")
    app.follow("New budget")
    app.select("Category", "Food")
    app.select("Period", "Monthly")
    app.field("Limit").fill("100")
    app.submit("Create budget")
    expect(app.success_message()).to_be_visible()
    food = page.locator("section.card", has=page.get_by_role("heading", name="Food"))
    expect(food.locator(".progress-bar")).to_have_class(has_class("bg-success"))

    # Expenses until the budget is exceeded: the badge goes 0 -> 1 (warning) -> 2 (exceeded).
    add_entry(app, "Add expense", account="Everyday checking", amount="45.50", category="food",
              description="Groceries")
    add_entry(app, "Add expense", account="Everyday checking", amount="30.00", category="food",
              description="Market")
    assert app.badge_count() == 0
    add_entry(app, "Add expense", account="Everyday checking", amount="20.00", category="food",
              description="Bakery")
    assert app.badge_count() == 1
    app.goto("/budgets/")
    expect(food.locator(".progress-bar")).to_have_class(has_class("bg-warning"))
    add_entry(app, "Add expense", account="Everyday checking", amount="10.00", category="food",
              description="Pizza")
    assert app.badge_count() == 2

    # The red progress bar.
    app.goto("/budgets/")
    expect(food.locator(".progress-bar")).to_have_class(has_class("bg-danger"))
    expect(food).to_contain_text("Over the limit")
    expect(food.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "105.5")
    expect(food.locator("dd").first).to_have_text("105.50 USD")

    # The alert in the list; marking it read takes the badge down by one.
    app.follow(re.compile(r"^Alerts\b"))
    exceeded = page.locator("li.list-group-item", has_text="Budget exceeded")
    expect(exceeded).to_have_count(1)
    expect(exceeded).to_contain_text("New")
    expect(page.locator("li.list-group-item", has_text="New")).to_have_count(2)
    exceeded.get_by_role("button", name="Mark as read").click()
    page.wait_for_load_state("load")
    app.check(force=True)
    expect(app.success_message()).to_contain_text("Alert marked as read")
    assert app.badge_count() == 1
    expect(page.locator("li.list-group-item", has_text="Budget exceeded")).not_to_contain_text("New")

    # The dashboard shows exactly what was entered: 100 + 2500 - 105.50 = 2494.50 in 2 accounts.
    app.follow("Dashboard")
    expect(page.locator("#total-balance")).to_have_attribute("data-amount", "2494.50")
    expect(page.locator("#total-balance")).to_contain_text("2,494.50 USD")
    expect(page.locator("#total-accounts")).to_have_text("2")
    expect(page.locator("#month-spent")).to_have_attribute("data-amount", "105.50")
    expect(page.locator("#month-income")).to_have_attribute("data-amount", "2500.00")
    expect(page.locator("#alerts-count")).to_have_text("1")
    budget = page.locator("#budget-list li.budget")
    expect(budget).to_contain_text("Over budget by 5.50 USD")
    expect(budget.locator(".budget-spent")).to_have_attribute("data-amount", "105.50")
    expect(budget.locator(".budget-limit")).to_have_attribute("data-amount", "100.00")
    latest = page.locator("#latest-transactions tbody tr")
    expect(latest).to_have_count(6)
    expect(latest.first).to_contain_text("Pizza")
    balances = page.locator("#account-list tbody tr")
    expect(balances.filter(has_text="Everyday checking").locator("td.money")).to_have_text("1,994.50 USD")
    expect(balances.filter(has_text="Rainy-day savings").locator("td.money")).to_have_text("500.00 USD")

    # The same figures in the JSON overview (same session) and in the database.
    overview = page.request.get("/dashboard/overview").json()
    assert overview["accounts"] == {"total_accounts": 2, "total_balance": 2494.5}
    assert overview["monthly_spending"]["total_spent"] == 105.5
    assert overview["alerts_count"] == 1
    assert [(b["category"], b["spent"], b["exceeded"]) for b in overview["budgets"]] == [("food", 105.5, True)]
    assert dict(Account.objects.values_list("name", "balance")) == {
        "Everyday checking": Decimal("1994.50"), "Rainy-day savings": Decimal("500.00"),
    }
    assert Transaction.objects.filter(kind="expense").count() == 4
    assert sorted(Alert.objects.values_list("kind", flat=True)) == ["budget_exceeded", "budget_warning"]


def has_class(name):
    """A regex matching a class attribute that contains the class ``name``."""
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")
