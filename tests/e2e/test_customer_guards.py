"""What must not happen: an overdraft, and one customer seeing another's money.

The clock is not frozen here (the live server and the browser share the real one, see
tests/clock.py): dates are the customer's today, as the services and pages compute it,
and the budget's window is given explicitly, so the data agree with each other on any date."""

import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Account
from apps.budgets.services import budget_create
from apps.core.dates import user_today
from apps.transactions.models import Category, Transaction
from apps.transactions.services import account_open, expense_post, income_post

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_overdraft_shows_the_form_error_and_leaves_the_balance_alone(app, make_customer, customer_password):
    user = make_customer("olive@example.com")
    account = account_open(user=user, name="Wallet", kind="cash", opening_balance=Decimal("50.00"))
    app.login("olive@example.com", customer_password)
    page = app.page

    app.goto(f"/accounts/{account.pk}/")
    expect(page.locator("#account-balance")).to_have_text("50.00 USD")
    app.follow("Add expense")
    app.field("Amount").fill("80.00")
    app.select("Category", "shopping")
    app.field("Description").fill("New shoes")
    app.submit("Add expense")

    # Still the form, with a clear error next to the amount and what was typed kept.
    expect(app.error_message()).to_contain_text("Please correct the errors below.")
    amount = app.field("Amount")
    expect(amount).to_have_value("80.00")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#div_id_amount .invalid-feedback")).to_contain_text("Not enough money in “Wallet”")
    expect(app.field("Description")).to_have_value("New shoes")
    app.check(force=True)  # the page with errors passes axe too

    app.goto(f"/accounts/{account.pk}/")
    expect(page.locator("#account-balance")).to_have_text("50.00 USD")
    account.refresh_from_db()
    assert account.balance == Decimal("50.00")
    assert not Transaction.objects.filter(kind="expense").exists()


def first_customers_money(user):
    """An account, income, an expense over a budget (so an alert), a budget."""
    food = Category.objects.get(owner__isnull=True, name="food")
    salary = Category.objects.get(owner__isnull=True, name="salary")
    today = user_today(user)  # the customer's today, the one the services use
    account = account_open(user=user, name="Private checking", opening_balance=Decimal("900.00"), opened_on=today)
    income_post(user=user, account_id=account.pk, amount=Decimal("1200.00"), category=salary,
                occurred_on=today, description="Secret salary", form_token=uuid.uuid4())
    budget_create(user=user, category=food, limit=Decimal("50.00"), start_date=today.replace(day=1))
    expense = expense_post(user=user, account_id=account.pk, amount=Decimal("75.25"), category=food,
                           occurred_on=today, description="Secret dinner", form_token=uuid.uuid4())
    return account, expense


# The default tier proves ownership without a browser (tests/security/test_ownership_enumeration.py).
@pytest.mark.full  # the default tier's browser tests are a representative few: tests/e2e/conftest.py
def test_a_second_customer_sees_none_of_the_first_customers_data(open_app, make_customer, customer_password):
    first = make_customer("first@example.com")
    account, expense = first_customers_money(first)
    make_customer("second@example.com")

    # The first customer does see their data (so the checks below are not vacuous).
    mine = open_app()
    mine.login("first@example.com", customer_password)
    assert mine.badge_count() == 1
    expect(mine.page.locator("#total-balance")).to_have_attribute("data-amount", "2024.75")

    other = open_app()
    other.login("second@example.com", customer_password)
    page = other.page
    assert other.badge_count() == 0
    expect(page.locator("#empty-state")).to_be_visible()
    for path, empty_text in [
        ("/accounts/", "No accounts yet"),
        ("/transactions/", "No transactions yet"),
        ("/budgets/", "You have no budgets yet"),
        ("/alerts/", "No alerts yet"),
    ]:
        other.goto(path)
        expect(page.locator("main")).to_contain_text(empty_text)
        for secret in ("Private checking", "Secret", "2,100.00", "75.25"):
            expect(page.locator("main")).not_to_contain_text(secret)

    # The first customer's objects by id: 404, and nothing changes.
    with other.problems.allow_status(404):
        for path in (f"/accounts/{account.pk}/", f"/accounts/{account.pk}/edit/", f"/accounts/{account.pk}/close/",
                     f"/transactions/{expense.pk}/edit/", f"/transactions/{expense.pk}/delete/",
                     f"/transactions/?account={account.pk}", f"/transactions/expense/new/?account={account.pk}"):
            response = other.goto(path, check=False)
            assert response.status == 404, path
            expect(page.locator("body")).not_to_contain_text("Private checking")
    other.assert_no_problems()

    overview = page.request.get("/dashboard/overview").json()
    assert overview["accounts"]["total_accounts"] == 0
    assert overview["monthly_spending"]["total_spent"] == 0
    assert overview["budgets"] == [] and overview["alerts_count"] == 0
    account.refresh_from_db()
    assert account.balance == Decimal("2024.75")
    assert Account.objects.filter(owner__email="second@example.com").count() == 0
