import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.budgets.models import Budget
from tests.factories import BudgetFactory, UserFactory, account, category, expense
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"category": category("food").pk, "period": "monthly", "limit": "250.00", "currency": "USD",
            "start_date": "2025-01-01", "warning_percent": "80"}
    return {**data, **overrides}


# --- list ------------------------------------------------------------------------------------

def test_login_required(client):
    response = client.get(reverse("budgets:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_empty_state(logged_in):
    response = logged_in.get(reverse("budgets:list"))
    assert response.status_code == 200
    assert "You have no budgets yet." in response.content.decode()


def test_list_shows_progress_bars_in_three_colours(logged_in, user, today):
    acct = account(user, opening="10000.00")
    ok = BudgetFactory(owner=user, category=category("food"), limit=Decimal("100.00"))
    warn = BudgetFactory(owner=user, category=category("rent"), limit=Decimal("100.00"))
    over = BudgetFactory(owner=user, category=category("transport"), limit=Decimal("100.00"))
    expense(acct, "10.00", on=today)
    expense(acct, "85.00", on=today, category="rent")
    expense(acct, "150.00", on=today, category="transport")
    BudgetFactory(category=category("health"))  # someone else's
    html = logged_in.get(reverse("budgets:list")).content.decode()

    def card(budget):
        return re.search(rf'id="budget-{budget.pk}".*?</section>', html, re.S).group(0)

    assert 'aria-valuenow="10.0"' in card(ok) and "bg-success" in card(ok) and "On track" in card(ok)
    assert 'style=' not in html.split("<main", 1)[1]  # the Content-Security-Policy forbids inline styles
    assert 'aria-valuenow="85.0"' in card(warn) and "bg-warning" in card(warn)
    assert "Past the warning threshold" in card(warn)
    assert 'aria-valuenow="150.0" aria-valuemin="0" aria-valuemax="150.0"' in card(over)
    assert 'aria-valuemax="100"' in card(warn)
    assert "bg-danger" in card(over) and "bg-danger" in card(over) and "Over the limit" in card(over)
    assert 'aria-valuetext="150.0% used: 150.00 USD of 100.00 USD. Over the limit."' in card(over)
    assert "budget-bar-100" in card(over) and "budget-bar-85" in card(warn)  # the bar stops at full width
    assert "Over by" in card(over) and "50.00 USD" in card(over)
    assert "Health" not in html


def test_list_page_query_count_does_not_grow_with_budgets(client, today):
    counts = {}
    for count in (1, 50):
        user = UserFactory()
        for i in range(count):
            BudgetFactory(owner=user, category=category(f"custom {i}", user=user))
        client.force_login(user)
        client.get(reverse("budgets:list"))  # warm up (session, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("budgets:list"))
        assert response.content.decode().count('role="progressbar"') == count
        counts[count] = len(queries)
    assert counts[1] == counts[50]
    assert counts[50] <= 5  # session, user, budgets, spending, unread badge


# --- create ----------------------------------------------------------------------------------

def test_create(logged_in, user):
    response = logged_in.post(reverse("budgets:create"), form_data())
    assert response.status_code == 302 and response.url == reverse("budgets:list")
    budget = Budget.objects.get(owner=user)
    assert (budget.category.name, budget.period, budget.limit, str(budget.start_date), budget.warning_percent) == \
        ("food", "monthly", Decimal("250.00"), "2025-01-01", 80)
    assert messages_of(response) == ["Budget for “Food” created."]


def test_create_form_defaults_to_the_first_of_this_month(logged_in, this_month):
    response = logged_in.get(reverse("budgets:create"))
    assert response.status_code == 200
    assert f'value="{this_month.start:%Y-%m-%d}"' in response.content.decode()


@pytest.mark.parametrize(("overrides", "field", "error"), [
    ({"limit": "0"}, "limit", "Enter an amount greater than zero."),
    ({"limit": "-10.00"}, "limit", "Enter an amount greater than zero."),
    ({"limit": "1.005"}, "limit", "Use at most two decimal places (cents)."),
    ({"limit": "lots"}, "limit", "Enter an amount as a number, for example 12.50."),
    ({"limit": "12,50"}, "limit", "12,50: use 12.50."),
    ({"currency": "JPY"}, "currency", "Select a valid choice. JPY is not one of the available choices."),
    ({"warning_percent": "0"}, "warning_percent", "Choose a threshold between 1 and 100 percent."),
    ({"warning_percent": "101"}, "warning_percent", "Choose a threshold between 1 and 100 percent."),
    ({"category": "999999"}, "category", "Choose one of your categories."),
    ({"period": "daily"}, "period", "Select a valid choice. daily is not one of the available choices."),
    ({"start_date": ""}, "start_date", "This field is required."),
])
def test_create_rejects_bad_input_with_a_clear_error_and_keeps_the_input(logged_in, user, overrides, field, error):
    data = form_data(description="x", **overrides)
    response = logged_in.post(reverse("budgets:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [error]
    html = response.content.decode()
    assert error.replace("'", "&#x27;") in html
    if field != "limit":
        assert 'value="250.00"' in html  # what the user typed is kept
    assert messages_of(response) == ["Please correct the errors below."]
    assert not Budget.objects.filter(owner=user).exists()


def test_create_rejects_another_users_category(logged_in, user):
    theirs = category("hobbies", user=UserFactory())
    response = logged_in.post(reverse("budgets:create"), form_data(category=theirs.pk))
    assert response.context["form"].errors["category"] == ["Choose one of your categories."]
    assert not Budget.objects.filter(owner=user).exists()


def test_create_accepts_own_category(logged_in, user):
    mine = category("hobbies", user=user)
    logged_in.post(reverse("budgets:create"), form_data(category=mine.pk))
    assert Budget.objects.get(owner=user).category == mine


def test_create_rejects_a_duplicate_active_budget(logged_in, user):
    BudgetFactory(owner=user, category=category("food"), limit=Decimal("100.00"))
    response = logged_in.post(reverse("budgets:create"), form_data(limit="321.00"))
    assert response.status_code == 200
    assert response.context["form"].errors["category"] == [
        "You already have an active monthly budget in USD for “Food”. Edit that one instead."
    ]
    assert 'value="321.00"' in response.content.decode()
    assert Budget.objects.filter(owner=user).count() == 1


def test_duplicate_that_slips_past_the_form_is_a_form_error(logged_in, user, monkeypatch):
    from apps.budgets.forms import BudgetForm

    BudgetFactory(owner=user, category=category("food"))
    monkeypatch.setattr(BudgetForm, "clean", lambda self: self.cleaned_data)  # as if a concurrent request won
    response = logged_in.post(reverse("budgets:create"), form_data())
    assert response.status_code == 200
    assert "already have an active monthly budget" in response.context["form"].errors["category"][0]
    assert Budget.objects.filter(owner=user).count() == 1


# --- edit / delete / ownership ----------------------------------------------------------------

def test_edit(logged_in, user):
    budget = BudgetFactory(owner=user, limit=Decimal("100.00"))
    response = logged_in.get(reverse("budgets:edit", args=[budget.pk]))
    assert 'value="100.00"' in response.content.decode()
    response = logged_in.post(reverse("budgets:edit", args=[budget.pk]), form_data(limit="150.00", period="weekly"))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.limit, budget.period) == (Decimal("150.00"), "weekly")
    assert messages_of(response) == ["Budget for “Food” saved."]


def test_edit_keeping_its_own_category_is_not_a_duplicate(logged_in, user):
    budget = BudgetFactory(owner=user)
    response = logged_in.post(reverse("budgets:edit", args=[budget.pk]), form_data(limit="5.00"))
    assert response.status_code == 302


def test_edit_rejects_zero(logged_in, user):
    budget = BudgetFactory(owner=user, limit=Decimal("100.00"))
    response = logged_in.post(reverse("budgets:edit", args=[budget.pk]), form_data(limit="0"))
    assert response.context["form"].errors["limit"] == ["Enter an amount greater than zero."]
    budget.refresh_from_db()
    assert budget.limit == Decimal("100.00")


def test_delete_asks_for_confirmation_then_deactivates(logged_in, user):
    budget = BudgetFactory(owner=user)
    response = logged_in.get(reverse("budgets:delete", args=[budget.pk]))
    assert response.status_code == 200
    assert "Delete this budget?" in response.content.decode()
    budget.refresh_from_db()
    assert budget.is_active
    response = logged_in.post(reverse("budgets:delete", args=[budget.pk]))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert not budget.is_active
    assert messages_of(response)[0].startswith("Budget for “Food” deleted.")
    assert logged_in.get(reverse("budgets:delete", args=[budget.pk])).status_code == 404


@pytest.mark.parametrize("name", ["budgets:edit", "budgets:delete"])
def test_another_users_budget_is_404(logged_in, name):
    theirs = BudgetFactory(limit=Decimal("100.00"))
    assert logged_in.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert logged_in.post(reverse(name, args=[theirs.pk]), form_data(limit="1.00")).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.is_active, theirs.limit) == (True, Decimal("100.00"))
