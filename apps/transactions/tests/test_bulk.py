"""Bulk actions from the transactions list (bulk_views, bulk_forms): a confirmation page that
writes nothing, then one atomic service (entries_delete or entries_recategorise)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Account
from apps.audit.models import AuditEvent
from apps.transactions.models import Category, CategoryPreference, MonthlyTotal, Transaction
from tests.factories import AccountFactory, CategoryFactory, default_category, expense, income, transfer
from tests.helpers import messages_of

D = Decimal
pytestmark = pytest.mark.django_db

URL = reverse("transactions:bulk")
LIST = reverse("transactions:list")
NEXT = "/transactions/?account=3&page=2"


@pytest.fixture
def checking(user):
    return AccountFactory(owner=user, name="Checking", opening_balance=D("500.00"))


@pytest.fixture
def savings(user):
    return AccountFactory(owner=user, name="Savings", opening_balance=D("0.00"))


def balance(account):
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def bucket(account, category, kind="expense", month=date(2025, 3, 1)):
    row = MonthlyTotal.objects.filter(account=account, category=category, kind=kind, month=month).first()
    return (row.total, row.count) if row else (D("0.00"), 0)


def post(client, ids, action, *, category=None, confirm=False, next_url=NEXT, **extra):
    data = {"ids": [str(i) for i in ids], "action": action, "category": category.pk if category else "",
            "next": next_url, **extra}
    if confirm:
        data["confirm"] = "yes"
    return client.post(URL, data)


def listed_ids(response):
    return [int(pk) for pk in re.findall(r'<tr data-id="(\d+)"', response.content.decode())]


def hidden_ids(response):
    return [int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', response.content.decode())]


def ledger_snapshot(user):
    return sorted(Transaction.objects.filter(owner=user).values_list("pk", "category_id", "amount", "account_id"))


# --- the confirmation page ---------------------------------------------------------

def test_confirmation_page_lists_exactly_the_selection_and_writes_nothing(logged_in, user, checking):
    a = expense(checking, "10.00", description="Market", payee="Market")
    b = expense(checking, "15.50", on=date(2025, 3, 12), description="Bakery")
    c = expense(checking, "7.00", description="Not ticked")
    before = ledger_snapshot(user)
    response = post(logged_in, [a.pk, b.pk], "delete")
    assert response.status_code == 200
    assert response.templates[0].name == "transactions/bulk_confirm.html"
    html = response.content.decode()
    assert "Delete 2 transactions?" in html
    assert listed_ids(response) == [b.pk, a.pk]  # newest first, as in the list
    assert sorted(hidden_ids(response)) == sorted([a.pk, b.pk])
    assert c.pk not in listed_ids(response) and "Not ticked" not in html
    assert "−10.00 USD" in html and "−15.50 USD" in html and "Checking" in html and "Market" in html
    assert 'name="confirm" value="yes"' in html and 'name="action" value="delete"' in html
    assert f'name="next" value="{NEXT}"'.replace("&", "&amp;") in html
    assert f'href="{NEXT}"'.replace("&", "&amp;") in html  # Cancel goes back to the list page
    assert "btn-danger" in html
    assert ledger_snapshot(user) == before
    assert balance(checking) == D("467.50")


def test_recategorise_confirmation_names_the_category(logged_in, user, checking):
    a = expense(checking, "10.00")
    groceries = CategoryFactory(owner=user, name="groceries", kind="expense")
    response = post(logged_in, [a.pk], "recategorise", category=groceries)
    html = response.content.decode()
    assert "Change the category of 1 transaction to Groceries?" in html
    assert f'name="category" value="{groceries.pk}"' in html and "btn-primary" in html
    a.refresh_from_db()
    assert a.category == default_category("food")


def test_confirmation_page_query_count_does_not_grow_per_row(client, user, checking, savings,
                                                             django_assert_max_num_queries):
    client.force_login(user)
    few = [expense(checking, "1.00").pk, transfer(checking, savings, "1.00").pk]
    many = [expense(checking, "1.00").pk for _ in range(20)] + [transfer(checking, savings, "1.00").pk
                                                                 for _ in range(5)]
    groceries = CategoryFactory(owner=user, kind="expense")
    with CaptureQueriesContext(connection) as small:
        assert post(client, few, "delete").status_code == 200
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as large:
        response = post(client, few + many, "delete")
    assert response.status_code == 200 and len(listed_ids(response)) == 27
    assert len(large.captured_queries) == len(small.captured_queries)
    expenses_only = [pk for pk in few + many if Transaction.objects.get(pk=pk).kind == "expense"]
    with django_assert_max_num_queries(8):
        assert post(client, expenses_only, "recategorise", category=groceries).status_code == 200


# --- delete --------------------------------------------------------------------------

def test_delete_removes_the_entries_moves_balances_and_totals(logged_in, user, checking):
    a = expense(checking, "10.00")
    b = expense(checking, "15.50")
    c = expense(checking, "7.00")
    pay = income(checking, "100.00")
    food = default_category("food")
    response = post(logged_in, [a.pk, b.pk, pay.pk], "delete", confirm=True)
    assert response.status_code == 302 and response.url == NEXT
    assert messages_of(response) == ["Deleted 3 transactions; balances updated."]
    assert not Transaction.objects.filter(pk__in=[a.pk, b.pk, pay.pk]).exists()
    assert Transaction.objects.filter(pk=c.pk).exists()
    assert balance(checking) == D("493.00")  # 500 - 7
    assert bucket(checking, food) == (D("7.00"), 1)
    assert bucket(checking, default_category("salary"), "income") == (D("0.00"), 0)
    # The audit trail hears it as it hears a single delete (ledger_changed -> apps.audit).
    event = AuditEvent.objects.filter(action=AuditEvent.Action.MONEY_MOVEMENT).first()
    assert {c["transaction_id"] for c in event.details["changes"]} == {a.pk, b.pk, pay.pk}
    assert {c["action"] for c in event.details["changes"]} == {"deleted"}
    assert event.actor == user


def test_a_transfer_leg_deletes_both_legs(logged_in, user, checking, savings):
    out_leg = transfer(checking, savings, "40.00")
    in_leg = Transaction.objects.get(transfer_id=out_leg.transfer_id, kind="transfer_in")
    response = post(logged_in, [in_leg.pk], "delete")
    assert "For a transfer, both sides go" in response.content.decode()
    assert "other side: Checking" in response.content.decode()
    response = post(logged_in, [in_leg.pk], "delete", confirm=True)
    assert messages_of(response) == ["Deleted 1 transaction; balances updated."]
    assert not Transaction.objects.filter(transfer_id=out_leg.transfer_id).exists()
    assert (balance(checking), balance(savings)) == (D("500.00"), D("0.00"))


def test_both_legs_ticked_are_one_transaction(logged_in, user, checking, savings):
    out_leg = transfer(checking, savings, "40.00")
    in_leg = Transaction.objects.get(transfer_id=out_leg.transfer_id, kind="transfer_in")
    response = post(logged_in, [out_leg.pk, in_leg.pk], "delete")
    assert "Delete 1 transaction?" in response.content.decode() and len(listed_ids(response)) == 1
    response = post(logged_in, [out_leg.pk, in_leg.pk], "delete", confirm=True)
    assert messages_of(response) == ["Deleted 1 transaction; balances updated."]
    assert (balance(checking), balance(savings)) == (D("500.00"), D("0.00"))


def test_an_opening_balance_in_the_selection_refuses_everything(logged_in, user, checking):
    a = expense(checking, "10.00")
    opening = Transaction.objects.get(account=checking, kind="opening")
    before = ledger_snapshot(user)
    for confirm in (False, True):
        response = post(logged_in, [a.pk, opening.pk], "delete", confirm=confirm)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Opening balances and corrections cannot be deleted here: untick them" in html
        assert 'name="confirm"' not in html  # no Confirm button on a refused selection
        assert "table-danger" in html
    assert ledger_snapshot(user) == before
    assert balance(checking) == D("490.00")


def test_a_refusal_of_the_service_shows_the_page_again_and_deletes_nothing(logged_in, user):
    account = AccountFactory(owner=user, name="Empty", opening_balance=D("0.00"))
    pay = income(account, "100.00")
    spent = expense(account, "80.00")
    before = ledger_snapshot(user)
    response = post(logged_in, [pay.pk], "delete", confirm=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="bulk-errors"' in html and "not enough money" in html.lower()
    assert ledger_snapshot(user) == before
    assert balance(account) == D("20.00")
    assert Transaction.objects.filter(pk=spent.pk).exists()


# --- recategorise --------------------------------------------------------------------

def test_recategorise_moves_entries_and_monthly_totals(logged_in, user, checking):
    a = expense(checking, "10.00")
    b = expense(checking, "15.50", on=date(2025, 4, 2))
    c = expense(checking, "7.00")
    food = default_category("food")
    groceries = CategoryFactory(owner=user, name="groceries", kind="expense")
    response = post(logged_in, [a.pk, b.pk], "recategorise", category=groceries, confirm=True)
    assert response.status_code == 302 and response.url == NEXT
    assert messages_of(response) == ["2 transactions moved to “Groceries”."]
    assert dict(Transaction.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "category_id")) == {
        a.pk: groceries.pk, b.pk: groceries.pk, c.pk: food.pk}
    assert bucket(checking, food) == (D("7.00"), 1)
    assert bucket(checking, groceries) == (D("10.00"), 1)
    assert bucket(checking, groceries, month=date(2025, 4, 1)) == (D("15.50"), 1)
    assert bucket(checking, food, month=date(2025, 4, 1)) == (D("0.00"), 0)
    assert balance(checking) == D("467.50")  # balances do not move


def test_an_either_way_category_takes_income_and_expenses(logged_in, user, checking):
    a = expense(checking, "10.00")
    pay = income(checking, "50.00")
    other = default_category("other")
    assert other.kind == "both"
    post(logged_in, [a.pk, pay.pk], "recategorise", category=other, confirm=True)
    assert set(Transaction.objects.filter(pk__in=[a.pk, pay.pk]).values_list("category_id", flat=True)) == {
        other.pk}
    assert bucket(checking, other, "income") == (D("50.00"), 1)
    assert bucket(checking, other) == (D("10.00"), 1)


def test_a_transfer_in_a_recategorise_selection_changes_nothing(logged_in, user, checking, savings):
    a = expense(checking, "10.00")
    leg = transfer(checking, savings, "5.00")
    groceries = CategoryFactory(owner=user, kind="expense")
    before = ledger_snapshot(user)
    for confirm in (False, True):
        response = post(logged_in, [a.pk, leg.pk], "recategorise", category=groceries, confirm=confirm)
        assert response.status_code == 200
        assert "Transfers have no category: untick them (1 transfer selected)." in response.content.decode()
        assert 'name="confirm"' not in response.content.decode()
    assert ledger_snapshot(user) == before


def test_a_category_of_the_other_kind_is_refused(logged_in, user, checking):
    a = expense(checking, "10.00")
    b = expense(checking, "12.00")
    salary = default_category("salary")
    assert salary.kind == "income"
    before = ledger_snapshot(user)
    response = post(logged_in, [a.pk, b.pk], "recategorise", category=salary, confirm=True)
    assert response.status_code == 200
    assert "“Salary” is a category for income: it cannot go on the 2 expenses selected." in (
        response.content.decode())
    assert ledger_snapshot(user) == before


def test_a_hidden_category_is_refused_like_the_expense_form_does(logged_in, user, checking):
    a = expense(checking, "10.00")
    fun = default_category("entertainment")
    CategoryPreference.objects.create(owner=user, category=fun, hidden=True)
    before = ledger_snapshot(user)
    response = post(logged_in, [a.pk], "recategorise", category=fun, confirm=True)
    assert response.status_code == 200
    assert "Choose one of your categories (a hidden one is not offered)." in response.content.decode()
    assert ledger_snapshot(user) == before


def test_recategorise_needs_a_category(logged_in, user, checking):
    a = expense(checking, "10.00")
    response = post(logged_in, [a.pk], "recategorise", confirm=True)
    assert "Choose the category to move them to." in response.content.decode()
    a.refresh_from_db()
    assert a.category == default_category("food")


# --- another customer's ids ----------------------------------------------------------

def test_another_users_transaction_answers_404_and_changes_nothing(logged_in, user, checking, user_factory):
    mine = expense(checking, "10.00")
    theirs_account = AccountFactory(owner=user_factory(), opening_balance=D("50.00"))
    theirs = expense(theirs_account, "5.00")
    for action in ("delete", "recategorise"):
        response = post(logged_in, [mine.pk, theirs.pk], action, category=default_category("rent"), confirm=True)
        assert response.status_code == 404
    assert Transaction.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    assert (balance(checking), balance(theirs_account)) == (D("490.00"), D("45.00"))
    theirs.refresh_from_db()
    assert theirs.category == default_category("food")


def test_another_users_category_answers_404_and_changes_nothing(logged_in, user, checking, user_factory):
    mine = expense(checking, "10.00")
    theirs = CategoryFactory(owner=user_factory(), kind="expense")
    response = post(logged_in, [mine.pk], "recategorise", category=theirs, confirm=True)
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.category == default_category("food")
    assert not Transaction.objects.filter(category=theirs).exists()


def test_an_id_of_no_transaction_answers_404(logged_in, checking):
    mine = expense(checking, "10.00")
    assert post(logged_in, [mine.pk, 999_999_999], "delete", confirm=True).status_code == 404
    assert Transaction.objects.filter(pk=mine.pk).exists()


# --- what the form refuses -------------------------------------------------------------

def test_no_ids_ticked_says_so_and_goes_back(logged_in, checking):
    response = logged_in.post(URL, {"action": "delete", "next": NEXT})
    assert response.status_code == 302 and response.url == NEXT
    assert messages_of(response) == ["Select at least one transaction."]


@pytest.mark.parametrize("bad_next", ["https://evil.example/", "//evil.example/transactions/", "javascript:alert(1)",
                                      "transactions/", ""])
def test_a_next_that_leaves_the_site_falls_back_to_the_list(logged_in, checking, bad_next):
    a = expense(checking, "10.00")
    response = post(logged_in, [a.pk], "delete", confirm=True, next_url=bad_next)
    assert response.status_code == 302 and response.url == LIST
    response = logged_in.post(URL, {"action": "delete", "next": bad_next})
    assert response.url == LIST


def test_get_answers_405(logged_in):
    assert logged_in.get(URL).status_code == 405


def test_anonymous_goes_to_the_login_page(client, checking):
    a = expense(checking, "10.00")
    response = post(client, [a.pk], "delete", confirm=True)
    assert response.status_code == 302 and reverse("login") in response.url
    assert Transaction.objects.filter(pk=a.pk).exists()


@pytest.mark.parametrize("bad_id", ["abc", "-3", "0", "1.5", "²", "99999999999999999999999"])
def test_ids_that_are_no_numbers_are_a_form_error(logged_in, user, checking, bad_id):
    a = expense(checking, "10.00")
    before = ledger_snapshot(user)
    response = logged_in.post(URL, {"ids": [str(a.pk), bad_id], "action": "delete", "confirm": "yes", "next": NEXT})
    assert response.status_code == 200
    assert "The selection could not be read" in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    assert ledger_snapshot(user) == before


def test_an_unknown_action_is_a_form_error(logged_in, user, checking):
    a = expense(checking, "10.00")
    response = post(logged_in, [a.pk], "explode", confirm=True)
    assert response.status_code == 200
    assert "Choose what to do with the selected transactions." in response.content.decode()
    assert Transaction.objects.filter(pk=a.pk).exists()


def test_more_than_500_ids_are_refused(logged_in, user, checking):
    response = logged_in.post(URL, {"ids": [str(i) for i in range(1, 502)], "action": "delete", "next": NEXT})
    assert response.status_code == 200
    assert "Select at most 500 transactions at a time." in response.content.decode()


def test_category_choice_offers_only_usable_categories(user, user_factory):
    from apps.transactions.bulk_forms import BulkActionForm

    fun = default_category("entertainment")
    CategoryPreference.objects.create(owner=user, category=fun, hidden=True)
    mine = CategoryFactory(owner=user)
    theirs = CategoryFactory(owner=user_factory())
    offered = set(BulkActionForm(user=user).fields["category"].queryset)
    assert mine in offered and default_category("food") in offered
    assert fun not in offered and theirs not in offered
    assert Category.objects.filter(pk=theirs.pk).exists()


def test_a_delete_ignores_an_unreadable_category(logged_in, user, checking):
    a = expense(checking, "10.00")
    response = logged_in.post(URL, {"ids": [str(a.pk)], "action": "delete", "category": "abc", "confirm": "yes",
                                    "next": NEXT})
    assert response.status_code == 302 and response.url == NEXT
    assert not Transaction.objects.filter(pk=a.pk).exists()
    assert balance(checking) == D("500.00")


def test_a_part_of_a_split_entry_deletes_every_part_and_the_page_says_so(logged_in, user, checking):
    from apps.transactions import services

    entry = expense(checking, "100.00", description="LIDL")
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("80.00"), entry.category), (D("20.00"), default_category("household"))])
    other = expense(checking, "5.00")
    response = post(logged_in, [parts[1].pk, other.pk], "delete")
    html = response.content.decode()
    assert "Delete 3 transactions?" in html
    # The ticked ones newest first, then the part that goes with them.
    assert listed_ids(response) == [other.pk, parts[1].pk, parts[0].pk]
    assert hidden_ids(response) == [parts[1].pk, other.pk]  # what is posted: the service adds the part
    assert html.count("data-goes-with-split") == 1
    response = post(logged_in, [parts[1].pk, other.pk], "delete", confirm=True)
    assert messages_of(response) == ["Deleted 3 transactions; balances updated."]
    assert balance(checking) == D("500.00")
    assert not Transaction.objects.filter(account=checking, kind="expense").exists()
