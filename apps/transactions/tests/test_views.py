import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Account
from apps.transactions.models import Category, Transaction
from tests.factories import AccountFactory, CategoryFactory, default_category, expense, income, transfer
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=Decimal("100.00"))


def balance(account):
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def token_in(response):
    match = re.search(r'name="form_token" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


def entry_data(account_, **overrides):
    data = {"account": account_.pk, "amount": "12.50", "category": default_category("food").pk,
            "occurred_on": "2025-03-10", "description": "Lunch", "form_token": str(uuid.uuid4())}
    data.update(overrides)
    return data


# --- transactions list -------------------------------------------------------

def test_list_shows_only_own_rows_newest_first_with_currency(logged_in, user, account):
    expense(account, "4.20", on=date(2025, 3, 1), description="older")
    expense(account, "5.30", on=date(2025, 3, 9), description="newer")
    other = AccountFactory(opening_balance=Decimal("50.00"))
    expense(other, "9.99", description="not mine")
    response = logged_in.get(reverse("transactions:list"))
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [r.description for r in rows] == ["newer", "older", "Opening balance"]
    html = response.content.decode()
    assert "not mine" not in html
    assert "−5.30 USD" in html and "+100.00 USD" in html
    assert 'class="table-responsive"' in html


def test_list_is_paginated_by_25(logged_in, account):
    for day in range(1, 31):
        income(account, "1.00", on=date(2025, 1, day))
    page1 = logged_in.get(reverse("transactions:list"))
    assert len(page1.context["page_obj"].object_list) == 25
    assert page1.context["page_obj"].paginator.count == 31
    page2 = logged_in.get(reverse("transactions:list"), {"page": 2})
    assert len(page2.context["page_obj"].object_list) == 6


def test_list_filters(logged_in, user, account):
    savings = AccountFactory(owner=user, name="Savings")
    mine = CategoryFactory(owner=user, name="pets")
    expense(account, "1.00", on=date(2025, 2, 28), description="Feb food")
    expense(account, "2.00", on=date(2025, 3, 1), description="March FOOD shop")
    services_income = income(savings, "3.00", on=date(2025, 3, 31), description="March pay")
    from apps.transactions import services

    services.expense_post(user=user, account_id=account.pk, amount=Decimal("4.00"), category=mine,
                          occurred_on=date(2025, 3, 15), description="Vet")

    def descriptions(**params):
        response = logged_in.get(reverse("transactions:list"), params)
        assert response.status_code == 200
        return sorted(r.description for r in response.context["page_obj"])

    assert descriptions(account=savings.pk) == ["March pay"]
    assert descriptions(month="2025-03") == ["March FOOD shop", "March pay", "Vet"]
    assert descriptions(month="2025-02") == ["Feb food"]
    assert descriptions(category=mine.pk) == ["Vet"]
    assert descriptions(kind="income") == ["March pay"]
    assert descriptions(q="food") == ["Feb food", "March FOOD shop"]
    assert descriptions(q="food", month="2025-03", account=account.pk) == ["March FOOD shop"]
    assert services_income.account_id == savings.pk


def test_list_bad_month_is_a_filter_error(logged_in, account):
    response = logged_in.get(reverse("transactions:list"), {"month": "2025-13"})
    assert response.status_code == 200
    assert "Use the form YYYY-MM" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_list_filter_with_another_users_ids_is_not_found(logged_in, account):
    other = AccountFactory()
    assert logged_in.get(reverse("transactions:list"), {"account": other.pk}).status_code == 404
    other_category = CategoryFactory(owner=other.owner)
    assert logged_in.get(reverse("transactions:list"), {"category": other_category.pk}).status_code == 404


def test_list_empty_states(logged_in, user):
    response = logged_in.get(reverse("transactions:list"))
    assert "No transactions yet" in response.content.decode()
    account = AccountFactory(owner=user)
    response = logged_in.get(reverse("transactions:list"), {"account": account.pk})
    assert "No transactions match these filters" in response.content.decode()


def test_list_uses_a_constant_number_of_queries(logged_in, user, django_assert_max_num_queries):
    account = AccountFactory(owner=user)
    # Two open accounts from the start: with one, the quick entry needs no query to pick it.
    other = AccountFactory(owner=user, name="Second", opening_balance=Decimal("0.00"))
    income(account, "1.00")
    url = reverse("transactions:list")
    with CaptureQueriesContext(connection) as one_row:
        assert logged_in.get(url).status_code == 200
    category = CategoryFactory(owner=user)
    start = date(2024, 1, 1)
    for i in range(99):
        target = account if i % 2 else other
        from apps.transactions import services

        services.income_post(user=user, account_id=target.pk, amount=Decimal("1.00"), category=category,
                             occurred_on=start + timedelta(days=i))
    with django_assert_max_num_queries(len(one_row)):
        response = logged_in.get(url, {"page": 1})
    assert response.context["page_obj"].paginator.count == 100
    # A filtered list also adds up what it shows: one grouped query more, whatever the size.
    with django_assert_max_num_queries(len(one_row) + 1):
        logged_in.get(url, {"page": 4, "month": "2024-03", "q": "x", "kind": "income", "account": account.pk})


# --- add income / expense / transfer ------------------------------------------

def test_add_expense_form_carries_a_token_and_preselects_the_account(logged_in, account):
    response = logged_in.get(reverse("transactions:expense"), {"account": account.pk})
    assert response.status_code == 200
    token_in(response)
    assert response.context["form"].initial["account"] == account.pk
    assert 'type="date"' in response.content.decode()


@pytest.mark.parametrize("name", ["transactions:expense", "transactions:income"])
def test_the_only_open_account_is_chosen_already_and_two_leave_the_choice(logged_in, user, account, name,
                                                                          django_assert_num_queries):
    old = AccountFactory(owner=user, name="Old")
    Account.objects.filter(pk=old.pk).update(closed_on=date(2025, 1, 31))  # closed: not offered
    with CaptureQueriesContext(connection) as one_account:
        response = logged_in.get(reverse(name))
    assert response.context["form"].initial["account"] == account.pk
    assert account_options(response) == [("", False, "Choose an account"),
                                          (str(account.pk), True, "Checking •••• 1234 (100.00 USD)")]
    savings = AccountFactory(owner=user, name="Savings")
    with django_assert_num_queries(len(one_account)):  # the accounts are read once, whatever their number
        response = logged_in.get(reverse(name))
    assert response.context["form"].initial.get("account") is None
    assert [(value, chosen) for value, chosen, _label in account_options(response)] == [
        ("", True), (str(account.pk), False), (str(savings.pk), False)]


def account_options(response):
    """The account select's options: (value, selected, label)."""
    select = re.search(r'<select name="account".*?</select>', response.content.decode(), re.S).group(0)
    return [(value, bool(chosen), label) for value, chosen, label in
            re.findall(r'<option value="([^"]*)"(?: data-currency="[A-Z]{3}")?( selected)?>([^<]*)</option>', select)]


def test_add_expense_posts_and_redirects_with_a_message(logged_in, account):
    response = logged_in.post(reverse("transactions:expense"), entry_data(account))
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[account.pk])
    assert balance(account) == Decimal("87.50")
    entry = Transaction.objects.get(kind="expense")
    assert (entry.amount, entry.description, entry.category.name) == (Decimal("12.50"), "Lunch", "food")
    assert messages_of(response) == ["Expense of 12.50 USD recorded on “Checking”."]


def test_add_income(logged_in, account):
    data = entry_data(account, amount="0.10", category=default_category("salary").pk)
    assert logged_in.post(reverse("transactions:income"), data).status_code == 302
    data = entry_data(account, amount="0.20", category=default_category("salary").pk)
    assert logged_in.post(reverse("transactions:income"), data).status_code == 302
    assert balance(account) == Decimal("100.30")
    assert sorted(Transaction.objects.filter(kind="income").values_list("amount", flat=True)) == [
        Decimal("0.10"), Decimal("0.20")]


def test_a_replayed_post_creates_one_transaction_and_shows_the_same_result(logged_in, account):
    data = entry_data(account)
    first = logged_in.post(reverse("transactions:expense"), data)
    second = logged_in.post(reverse("transactions:expense"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert messages_of(second)[-1] == messages_of(first)[-1]
    assert Transaction.objects.filter(kind="expense").count() == 1
    assert balance(account) == Decimal("87.50")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", "0", "greater than zero"),
    ("amount", "-5", "greater than zero"),
    ("amount", "1.005", "at most two decimal places"),
    ("amount", "10000000000000", "too large"),
    ("amount", "ten", "Enter an amount as a number"),
    ("amount", "", "Enter the amount"),
    ("amount", "NaN", "Enter an amount as a number"),
    ("occurred_on", "2025-02-30", "Enter a real date"),
    ("occurred_on", "", "Enter a date"),
    ("account", "", "This field is required"),
    ("category", "", "This field is required"),
])
def test_bad_input_is_a_form_error_and_writes_nothing(logged_in, account, field, value, message):
    before = (Transaction.objects.count(), balance(account))
    data = entry_data(account, description="typed by the user", **{field: value})
    response = logged_in.post(reverse("transactions:expense"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "typed by the user" in html  # what the user typed is kept
    assert data["form_token"] in html  # and the same token, so fixing and resending still posts once
    assert "Please correct the errors below." in messages_of(response)
    assert (Transaction.objects.count(), balance(account)) == before


def test_overdraft_is_shown_next_to_the_amount_and_keeps_the_input(logged_in, account):
    response = logged_in.post(reverse("transactions:expense"), entry_data(account, amount="100.01"))
    assert response.status_code == 200
    assert "Not enough money" in response.context["form"].errors["amount"][0]
    assert 'value="100.01"' in response.content.decode()
    assert balance(account) == Decimal("100.00")
    assert Transaction.objects.filter(kind="expense").count() == 0


def test_missing_token_is_refused_and_a_fresh_one_offered(logged_in, account):
    data = entry_data(account)
    del data["form_token"]
    response = logged_in.post(reverse("transactions:expense"), data)
    assert response.status_code == 200
    assert "expired" in " ".join(response.context["form"].non_field_errors())
    token_in(response)
    assert Transaction.objects.filter(kind="expense").count() == 0


def test_closed_account_is_not_offered(logged_in, user, account):
    closed = AccountFactory(owner=user, name="Old")
    Account.objects.filter(pk=closed.pk).update(closed_on=date(2025, 2, 1))
    response = logged_in.get(reverse("transactions:expense"))
    assert list(response.context["form"].fields["account"].queryset) == [account]
    response = logged_in.post(reverse("transactions:expense"), entry_data(closed))
    assert response.status_code == 200 and "account" in response.context["form"].errors


def test_transfer_form(logged_in, user, account):
    savings = AccountFactory(owner=user, name="Savings")
    data = {"from_account": account.pk, "to_account": savings.pk, "amount": "30.00", "occurred_on": "2025-03-10",
            "description": "", "form_token": str(uuid.uuid4())}
    response = logged_in.post(reverse("transactions:transfer"), data)
    assert response.status_code == 302
    assert (balance(account), balance(savings)) == (Decimal("70.00"), Decimal("30.00"))
    assert messages_of(response) == ["Transferred 30.00 USD from “Checking” to “Savings”."]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"to_account": "same"}, "to_account", "two different accounts"),
    ({"to_account": "euro"}, "received_amount", "give the amount that arrives in EUR"),
    ({"to_account": "euro", "received_amount": "-2"}, "received_amount", "greater than zero"),
    ({"amount": "100.01"}, "amount", "Not enough money"),
])
def test_transfer_errors(logged_in, user, account, change, field, message):
    savings = AccountFactory(owner=user, name="Savings")
    euro = AccountFactory(owner=user, name="Euro", currency="EUR")
    targets = {"same": account.pk, "euro": euro.pk}
    data = {"from_account": account.pk, "to_account": savings.pk, "amount": "30.00", "occurred_on": "2025-03-10",
            "form_token": str(uuid.uuid4())}
    data.update({k: targets.get(v, v) for k, v in change.items()})
    response = logged_in.post(reverse("transactions:transfer"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Transaction.objects.filter(kind="transfer_out").count() == 0


def test_a_transfer_to_an_account_in_another_currency(logged_in, user, account):
    """What arrived is given, as the bank shows it; the message says both; the list shows it
    on the transfer's one line; the edit page asks for both amounts, whichever line it came from."""
    euros = AccountFactory(owner=user, name="Euro account", currency="EUR")
    data = {"from_account": account.pk, "to_account": euros.pk, "amount": "30.00", "received_amount": "27,65",
            "occurred_on": "2025-03-10", "form_token": str(uuid.uuid4())}
    response = logged_in.post(reverse("transactions:transfer"), data)
    assert response.status_code == 200  # "27,65" is not how this customer writes money
    assert "received_amount" in response.context["form"].errors
    response = logged_in.post(reverse("transactions:transfer"), {**data, "received_amount": "27.65"})
    assert response.status_code == 302
    assert messages_of(response) == ["Transferred 30.00 USD from “Checking”; 27.65 EUR arrived in “Euro account”."]
    assert (balance(account), balance(euros)) == (Decimal("70.00"), Decimal("27.65"))

    html = logged_in.get(reverse("transactions:list")).content.decode()
    assert re.search(r'30\.00 USD<span class="d-block small" data-arrived><span aria-hidden="true">→ </span>'
                     r'<span class="visually-hidden">arriving as </span>27\.65 EUR</span>', html)

    arrived = Transaction.objects.get(kind="transfer_in")
    form = logged_in.get(reverse("transactions:update", args=[arrived.pk])).context["form"]
    assert (form.initial["amount"], form.initial["received_amount"]) == (Decimal("30.00"), Decimal("27.65"))
    assert (form.fields["amount"].label, form.fields["received_amount"].label) == (
        "Amount sent (USD)", "Amount that arrived (EUR)")
    response = logged_in.post(reverse("transactions:update", args=[arrived.pk]), {
        "amount": "40.00", "received_amount": "36.90", "occurred_on": "2025-03-10", "description": ""})
    assert response.status_code == 302
    assert (balance(account), balance(euros)) == (Decimal("60.00"), Decimal("36.90"))


def test_a_transfer_in_one_currency_has_no_second_amount_to_edit(logged_in, user, account):
    savings = AccountFactory(owner=user, name="Savings")
    leg = transfer(account, savings, "30.00")
    form = logged_in.get(reverse("transactions:update", args=[leg.pk])).context["form"]
    assert "received_amount" not in form.fields


# --- edit and delete -----------------------------------------------------------

def test_edit_page_and_post(logged_in, user, account):
    entry = expense(account, "10.00")
    response = logged_in.get(reverse("transactions:update", args=[entry.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["amount"] == Decimal("10.00")
    data = {"account": account.pk, "amount": "25.00", "category": default_category("health").pk,
            "occurred_on": "2025-03-12", "description": "Dentist"}
    response = logged_in.post(reverse("transactions:update", args=[entry.pk]), data)
    assert response.status_code == 302
    assert balance(account) == Decimal("75.00")
    entry.refresh_from_db()
    assert (entry.amount, entry.category.name, entry.description) == (Decimal("25.00"), "health", "Dentist")
    assert messages_of(response) == ["Transaction saved; balances updated."]


def test_edit_that_would_overdraw_is_a_form_error(logged_in, account):
    entry = expense(account, "10.00")
    data = {"account": account.pk, "amount": "110.01", "category": entry.category_id, "occurred_on": "2025-03-10"}
    response = logged_in.post(reverse("transactions:update", args=[entry.pk]), data)
    assert response.status_code == 200
    assert "Not enough money" in response.context["form"].errors["amount"][0]
    assert balance(account) == Decimal("90.00")


def test_edit_transfer_has_no_account_or_category(logged_in, user, account):
    savings = AccountFactory(owner=user)
    leg = transfer(account, savings, "10.00")
    response = logged_in.get(reverse("transactions:update", args=[leg.pk]))
    assert set(response.context["form"].fields) == {"amount", "occurred_on", "description", "confirm_far_future"}
    response = logged_in.post(reverse("transactions:update", args=[leg.pk]),
                              {"amount": "15.00", "occurred_on": "2025-03-10", "description": ""})
    assert response.status_code == 302
    assert (balance(account), balance(savings)) == (Decimal("85.00"), Decimal("15.00"))


def test_delete_needs_confirmation(logged_in, account):
    entry = expense(account, "10.00")
    response = logged_in.get(reverse("transactions:delete", args=[entry.pk]))
    assert response.status_code == 200
    assert "Yes, delete it" in response.content.decode()
    assert Transaction.objects.filter(pk=entry.pk).exists()
    response = logged_in.post(reverse("transactions:delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not Transaction.objects.filter(pk=entry.pk).exists()
    assert balance(account) == Decimal("100.00")
    assert messages_of(response) == ["Expense of 10.00 USD deleted; balances updated."]


def test_delete_that_would_overdraw_is_refused_with_a_message(logged_in, account):
    paid_in = income(account, "50.00")
    expense(account, "120.00")
    response = logged_in.post(reverse("transactions:delete", args=[paid_in.pk]))
    assert response.status_code == 200
    assert any("Not enough money" in m for m in messages_of(response))
    assert Transaction.objects.filter(pk=paid_in.pk).exists()
    assert balance(account) == Decimal("30.00")


# --- categories ----------------------------------------------------------------

def test_category_create(logged_in, user):
    response = logged_in.post(reverse("transactions:categories"), {"name": "Pets"})
    assert response.status_code == 302
    assert Category.objects.filter(owner=user, name="Pets").exists()
    response = logged_in.post(reverse("transactions:categories"), {"name": "food"})
    assert response.status_code == 200
    assert "already have a category" in response.context["form"].errors["name"][0]
    page = logged_in.get(reverse("transactions:categories")).content.decode()
    assert "Pets" in page and "Salary" in page


# --- ownership: every page and form, another user's ids -> 404, nothing changes ------

def snapshot():
    return (
        sorted(Account.objects.values_list("pk", "name", "balance", "closed_on")),
        sorted(Transaction.objects.values_list("pk", "account_id", "amount", "description", "category_id")),
        Category.objects.count(),
    )


def test_another_users_objects_answer_404_everywhere_and_nothing_changes(logged_in, user, account):
    theirs = AccountFactory(name="Theirs", opening_balance=Decimal("500.00"))
    their_savings = AccountFactory(owner=theirs.owner, name="Their savings")
    their_entry = expense(theirs, "5.00")
    their_leg = transfer(theirs, their_savings, "5.00")
    their_category = CategoryFactory(owner=theirs.owner)
    before = snapshot()
    food = default_category("food").pk
    token = str(uuid.uuid4())
    requests = [
        ("get", reverse("accounts:detail", args=[theirs.pk]), None),
        ("get", reverse("accounts:update", args=[theirs.pk]), None),
        ("post", reverse("accounts:update", args=[theirs.pk]), {"name": "Hacked"}),
        ("get", reverse("accounts:close", args=[theirs.pk]), None),
        ("post", reverse("accounts:close", args=[theirs.pk]), {}),
        ("get", reverse("transactions:update", args=[their_entry.pk]), None),
        ("post", reverse("transactions:update", args=[their_entry.pk]),
         {"account": account.pk, "amount": "1.00", "category": food, "occurred_on": "2025-03-10"}),
        ("get", reverse("transactions:delete", args=[their_entry.pk]), None),
        ("post", reverse("transactions:delete", args=[their_entry.pk]), {}),
        ("post", reverse("transactions:delete", args=[their_leg.pk]), {}),
        ("get", reverse("transactions:list") + f"?account={theirs.pk}", None),
        ("get", reverse("transactions:income") + f"?account={theirs.pk}", None),
        ("get", reverse("transactions:expense") + f"?account={theirs.pk}", None),
        ("get", reverse("transactions:transfer") + f"?account={theirs.pk}", None),
        ("post", reverse("transactions:income"), entry_data(theirs, category=food, form_token=token)),
        ("post", reverse("transactions:expense"), entry_data(theirs, category=food, form_token=token)),
        ("post", reverse("transactions:expense"), entry_data(account, category=their_category.pk)),
        ("post", reverse("transactions:transfer"), {"from_account": theirs.pk, "to_account": account.pk,
                                                    "amount": "5.00", "occurred_on": "2025-03-10",
                                                    "form_token": token}),
        ("post", reverse("transactions:transfer"), {"from_account": account.pk, "to_account": theirs.pk,
                                                    "amount": "5.00", "occurred_on": "2025-03-10",
                                                    "form_token": token}),
        # Editing my own entry onto their account.
        ("post", reverse("transactions:update", args=[expense(account, "1.00").pk]),
         {"account": theirs.pk, "amount": "1.00", "category": food, "occurred_on": "2025-03-10"}),
    ]
    before = snapshot()
    for method, url, data in requests:
        response = getattr(logged_in, method)(url, data) if data is not None else getattr(logged_in, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert snapshot() == before, (method, url)
    # Nothing of theirs shows on my pages either.
    for url in (reverse("accounts:list"), reverse("transactions:list"), reverse("transactions:categories")):
        html = logged_in.get(url).content.decode()
        assert "Theirs" not in html and their_category.name not in html


def test_pages_need_login(client, account):
    for url in (reverse("transactions:list"), reverse("transactions:expense"), reverse("accounts:list")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url
