"""What the dashboard shows from the forecast: the expense preview (before saving, and the
same warnings in the confirmation after), and "safe to spend"."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import simplejson
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts import services as services_accounts
from apps.accounts.models import Account
from apps.bills import services as bills
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
PREVIEW = "/dashboard/expense-preview"
TODAY = date(2025, 12, 15)  # tests.clock.NOW, where the dashboard's tests run


def recurring(acct, *, name, amount, starts_on, kind="bill", cat="rent", **kwargs):
    if kind != "transfer":
        kwargs["category"] = f.category(cat)
    return bills.recurring_create(user=acct.owner, kind=kind, name=name, amount=D(amount), account_id=acct.pk,
                                  starts_on=starts_on, **kwargs)


@pytest.fixture
def checking(user):
    """Checking holds 450.00 (50.00 on food this month, of a 100.00 budget); rent 850.00 is due on 1 January."""
    acct = f.account(user, "Checking", opening="500.00")
    f.budget(user, "food", "100.00")
    f.expense(acct, "50.00", on=date(2025, 12, 10))
    recurring(acct, name="Rent", amount="850.00", starts_on=date(2026, 1, 1))
    return acct


def preview(client, **params):
    response = client.get(PREVIEW, params)
    assert response["Content-Type"] == "application/json"
    return response, simplejson.loads(response.content, use_decimal=True)


FOOD_112 = "This takes Food to 112% of its monthly budget (112.00 of 100.00 USD)."
LEAVES = "This leaves 388.00 USD in Checking, and Rent (850.00 USD) is due on Jan 1, 2026."


# --- the preview ------------------------------------------------------------------------------

def test_the_preview_tells_the_budget_and_the_bill_left_short(logged_in, checking):
    food = f.category("food")
    response, data = preview(logged_in, account=checking.pk, amount="62.00", category=food.pk, date="2025-12-15")
    assert response.status_code == 200
    assert data == {"lines": [{"text": FOOD_112, "level": "danger"}, {"text": LEAVES, "level": "warning"}]}


def test_the_same_lines_after_saving(logged_in, checking):
    food = f.category("food")
    response = logged_in.post(reverse("transactions:expense"), {
        "account": checking.pk, "amount": "62.00", "category": food.pk, "occurred_on": "2025-12-15",
        "description": "Groceries", "form_token": "2b1d1c5e-9d3a-4c59-a0a6-4f1f8f7e6a10"})
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"Expense of 62.00 USD recorded on “Checking”. {FOOD_112} {LEAVES}"


def test_plain_figures_are_shown_before_and_not_repeated_after(logged_in, user, checking):
    food = f.category("food")
    recurring(checking, name="Salary", amount="2000.00", kind="income", cat="salary", starts_on=date(2025, 12, 20))
    _, data = preview(logged_in, account=checking.pk, amount="10.00", category=food.pk)
    assert data["lines"] == [
        {"text": "This takes Food to 60% of its monthly budget (60.00 of 100.00 USD).", "level": "info"},
        {"text": "This leaves 440.00 USD in Checking.", "level": "info"},  # the salary comes before the rent
    ]
    response = logged_in.post(reverse("transactions:expense"), {
        "account": checking.pk, "amount": "10.00", "category": food.pk, "occurred_on": "2025-12-15",
        "form_token": "7f3c2a10-5b9e-4d0b-8a63-2c1f0e9d8b7a"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Expense of 10.00 USD recorded on “Checking”."]


def test_past_the_warning_and_below_the_buffer(logged_in, user, checking):
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=D("500.00"))
    bills.recurring_pause(user=user, item_id=checking.recurring_items.get().pk)
    _, data = preview(logged_in, account=checking.pk, amount="35.00", category=f.category("food").pk)
    assert data["lines"] == [
        {"text": "This takes Food to 85% of its monthly budget (85.00 of 100.00 USD).", "level": "warning"},
        {"text": "This leaves 415.00 USD in Checking, below the 500.00 USD you want to keep.", "level": "warning"},
    ]


def test_more_than_the_account_holds(logged_in, checking):
    _, data = preview(logged_in, account=checking.pk, amount="450.01")
    assert data["lines"] == [{"text": "Checking has 450.00 USD available: this expense would be refused.",
                              "level": "danger"}]


def test_every_budget_of_the_category_in_the_accounts_currency(logged_in, user, checking):
    f.budget(user, "food", "20.00", period="weekly", start=date(2025, 12, 15))
    f.budget(user, "food", "10.00", currency="EUR")  # another currency: not this account's money
    f.budget(user, "food", "10.00", period="yearly", start=date(2026, 1, 1))  # not started by that date
    _, data = preview(logged_in, account=checking.pk, amount="5.00", category=f.category("food").pk)
    assert [line["text"] for line in data["lines"][:-1]] == [
        "This takes Food to 55% of its monthly budget (55.00 of 100.00 USD).",
        "This takes Food to 25% of its weekly budget (5.00 of 20.00 USD).",
    ]


def test_a_bill_already_overdue(logged_in, user, checking, time_machine):
    recurring(checking, name="Phone", amount="30.00", starts_on=TODAY, remind_days=None, cat="utilities")
    time_machine.move_to("2025-12-17 12:00Z", tick=False)
    _, data = preview(logged_in, account=checking.pk, amount="430.00")
    assert data["lines"][-1]["text"] == ("This leaves 20.00 USD in Checking, and Phone (30.00 USD) was due on "
                                         "Dec 15, 2025.")


def test_a_credit_card(logged_in, user):
    card = f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("500.00"))
    _, data = preview(logged_in, account=card.pk, amount="120.00")
    assert data["lines"] == [{"text": "This leaves 380.00 USD available on Card.", "level": "info"}]


@pytest.mark.parametrize(("amount", "line"), [
    ("12,50", "12,50: use 12.50."), ("-5", "Enter an amount greater than zero."),
    ("0", "Enter an amount greater than zero."), ("abc", "Enter an amount as a number, for example 12.50."),
    ("", "Enter an amount as a number, for example 12.50."), ("1e3", "Enter an amount as a number, for example 12.50."),
    ("1000000000000", "That amount is too large."),
])
def test_an_amount_that_cannot_be_read_yet_is_a_warning_line_not_an_error(logged_in, checking, amount, line):
    response, data = preview(logged_in, account=checking.pk, amount=amount)
    assert response.status_code == 200
    assert data["lines"] == [{"text": line, "level": "warning"}]


@pytest.mark.parametrize(("params", "status"), [
    ({"date": "15/12/2025"}, 400), ({"date": "20251215"}, 400), ({"date": "0001-01-01"}, 400),
    ({"account": "abc"}, 404), ({"account": ""}, 404), ({"category": "abc"}, 404), ({"category": "99999999"}, 404),
])
def test_bad_parameters(logged_in, checking, params, status):
    response, data = preview(logged_in, **{"account": checking.pk, "amount": "5.00", **params})
    assert response.status_code == status and data["error"]


def test_another_customers_account_or_category_answers_404(logged_in, checking, user_factory):
    other = user_factory()
    theirs = f.account(other, "Theirs", opening="50.00")
    their_category = f.category("secret", user=other)
    response, _ = preview(logged_in, account=theirs.pk, amount="5.00")
    assert response.status_code == 404
    response, _ = preview(logged_in, account=checking.pk, amount="5.00", category=their_category.pk)
    assert response.status_code == 404


def test_a_closed_account_answers_404(logged_in, user):
    closed = f.account(user, "Old")
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 1, 1))
    assert preview(logged_in, account=closed.pk, amount="5.00")[0].status_code == 404


def test_logged_out_answers_401(client, checking):
    assert preview(client, account=checking.pk, amount="5.00")[0].status_code == 401


def test_the_expense_form_has_the_preview_and_the_income_form_not(logged_in, checking):
    html = logged_in.get(reverse("transactions:expense")).content.decode()
    assert re.search(r'<div id="expense-preview" class="mt-3" aria-live="polite" '
                     r'data-url="/dashboard/expense-preview">', html)
    assert 'src="/static/js/expense_preview.js"' in html and "<script>" not in html
    assert 'id="expense-preview"' not in logged_in.get(reverse("transactions:income")).content.decode()


def test_the_preview_queries_do_not_grow_with_bills(client, user_factory):
    counts = []
    for n in (1, 50):
        owner = user_factory()
        acct = f.account(owner, "Checking", opening="100000.00")
        f.budget(owner, "food", "100.00")
        for i in range(n):
            recurring(acct, name=f"Bill {i}", amount="1.00", starts_on=TODAY + timedelta(days=i % 28))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PREVIEW, {"account": acct.pk, "amount": "5.00",
                                        "category": f.category("food").pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_failing_note_never_loses_the_confirmation(logged_in, checking, settings):
    settings.LEDGER_EXTENSIONS = {**settings.LEDGER_EXTENSIONS, "expense_notes": ["math.nonexistent_function"]}
    response = logged_in.post(reverse("transactions:expense"), {
        "account": checking.pk, "amount": "1.00", "category": f.category("food").pk, "occurred_on": "2025-12-15",
        "form_token": "0f3c2a10-5b9e-4d0b-8a63-2c1f0e9d8b7a"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Expense of 1.00 USD recorded on “Checking”."]


# --- safe to spend on the dashboard --------------------------------------------------------------

@pytest.fixture
def household(user):
    """Checking 1,000.00 (buffer 100.00): rent 850.00 on 20 Dec, salary on the 25th -> 50.00 safe.
    Savings 300.00, nothing scheduled -> 300.00. A credit card: never counted."""
    checking = f.account(user, "Checking", opening="1000.00")
    Account.objects.filter(pk=checking.pk).update(forecast_buffer=D("100.00"))
    savings = f.account(user, "Savings", opening="300.00", kind=Account.Kind.SAVINGS)
    f.account(user, "Card", kind=Account.Kind.CREDIT_CARD, credit_limit=D("3000.00"))
    recurring(checking, name="Rent", amount="850.00", starts_on=date(2025, 12, 20))
    recurring(checking, name="Salary", amount="2000.00", kind="income", cat="salary", starts_on=date(2025, 12, 25))
    return checking, savings


def test_the_dashboard_shows_safe_to_spend(logged_in, household):
    checking, savings = household
    html = logged_in.get("/").content.decode()
    assert re.search(r'data-currency="USD" data-amount="350.00" id="safe-to-spend-total"', html)
    rows = dict(re.findall(r'<li data-account-id="(\d+)">.*?data-amount="([^"]+)"', html, re.S))
    assert rows == {str(checking.pk): "50.00", str(savings.pk): "300.00"}
    assert "until Salary on" in html and "no income expected soon" in html


def test_safe_to_spend_leaves_out_the_savings_toward_a_goal(logged_in, user, household):
    """Savings 300.00 toward a 1,000.00 goal: none of it is safe to spend, and the line says
    what is kept for the goal; the total follows. German on a German customer's page."""
    checking, savings = household
    services_accounts.account_goal_set(user=user, account_id=savings.pk, amount=D("1000.00"))
    html = logged_in.get("/").content.decode()
    assert re.search(r'data-currency="USD" data-amount="50.00" id="safe-to-spend-total"', html)
    rows = dict(re.findall(r'<li data-account-id="(\d+)">.*?data-amount="([^"]+)"', html, re.S))
    assert rows == {str(checking.pk): "50.00", str(savings.pk): "0.00"}
    assert '<span data-set-aside="300.00">300.00 USD kept for the goal</span>' in html
    assert "and what it has saved toward its goal" in html
    assert html.count("kept for the goal") == 1  # not on the account without a goal
    user.locale = "de-DE"
    user.save(update_fields=["locale"])
    html = logged_in.get("/").content.decode()
    assert '<span data-set-aside="300.00">300,00 $ für das Sparziel zurückgelegt</span>' in html


def test_safe_to_spend_is_about_today(logged_in, household):
    assert 'id="safe-to-spend"' not in logged_in.get("/?month=2025-10").content.decode()


def test_safe_to_spend_without_bills_says_so(logged_in, user):
    f.account(user, "Checking", opening="10.00")
    html = logged_in.get("/").content.decode()
    assert re.search(r'data-amount="10.00" id="safe-to-spend-total"', html) and "add them" in html


def test_no_safe_to_spend_for_a_new_customer(logged_in):
    assert 'id="safe-to-spend"' not in logged_in.get("/").content.decode()


def test_dashboard_queries_do_not_grow_with_bills(client, user_factory):
    counts = []
    for n in (1, 50):
        owner = user_factory()
        acct = f.account(owner, "Checking", opening="100000.00")
        for i in range(n):
            recurring(acct, name=f"Bill {i}", amount="1.00", starts_on=TODAY + timedelta(days=i % 28))
        client.force_login(owner)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_without_active_bills_safe_to_spend_reads_no_bill_tables(client, user_factory):
    """The counts statement says whether the customer has an active recurring item; without
    one, safe to spend is the balance less the buffer with no query of items or occurrences,
    and a paused item counts as none (the forecast leaves it out too)."""
    owner = user_factory()
    acct = f.account(owner, "Checking", opening="120.00")
    Account.objects.filter(pk=acct.pk).update(forecast_buffer=D("20.00"))
    client.force_login(owner)

    def visit():
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        bill_queries = [q["sql"] for q in queries.captured_queries
                        if "bills_recurringitem" in q["sql"] and "EXISTS" not in q["sql"]]
        return html, bill_queries

    html, bill_queries = visit()
    assert bill_queries == []
    assert re.search(r'data-amount="100.00" id="safe-to-spend-total"', html)
    item = recurring(acct, name="Rent", amount="30.00", starts_on=TODAY + timedelta(days=3))
    html, bill_queries = visit()
    assert len(bill_queries) == 2  # the items, then their occurrences
    # No income in sight: the rent of the next 90 days (three months) is kept back.
    assert re.search(r'data-amount="10.00" id="safe-to-spend-total"', html)
    bills.recurring_pause(user=owner, item_id=item.pk)
    html, bill_queries = visit()
    assert bill_queries == []
    assert re.search(r'data-amount="100.00" id="safe-to-spend-total"', html)
