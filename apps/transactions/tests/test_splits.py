"""Split entries: one payment shared out over categories (services.splits), and what the rest of
the ledger does with the parts (edit, delete, bulk delete, totals, budgets, the pages)."""

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from apps.accounts.models import Account
from apps.transactions import services
from apps.transactions.models import DailyTotal, LedgerVersion, MonthlyTotal, Transaction
from apps.transactions.signals import ledger_changed
from tests.factories import (
    AccountFactory,
    UserFactory,
    account,
    budget,
    category,
    default_category,
    expense,
    income,
    transfer,
)

from .ledger_checks import assert_ledger_consistent

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 10)
D = Decimal


def balance(acc) -> Decimal:
    return Account.objects.values_list("balance", flat=True).get(pk=acc.pk)


def spent(user, name) -> Decimal:
    """This month's (DAY's) expense total in the category named ``name``, from the monthly totals."""
    return sum((m.total for m in MonthlyTotal.objects.filter(owner=user, month=DAY.replace(day=1), kind="expense",
                                                             category__name=name)), D(0))


@pytest.fixture
def shop():
    user = UserFactory()
    acc = account(user, opening="500.00", opened_on=date(2025, 1, 1))
    entry = expense(acc, "100.00", on=DAY, category="groceries", description="LIDL 1234 BERLIN")
    return user, acc, entry


def test_a_split_shares_the_entry_out_over_categories_and_moves_no_money(shop):
    user, acc, entry = shop
    household = default_category("household")
    version = LedgerVersion.objects.get(owner=user).version
    sent = []

    def listen(sender, **kwargs):
        sent.append(kwargs["changes"])

    ledger_changed.connect(listen)
    try:
        parts = services.entry_split(user=user, transaction_id=entry.pk,
                                     parts=[(D("80.00"), entry.category), (D("20.00"), household)])
    finally:
        ledger_changed.disconnect(listen)
    assert balance(acc) == D("400.00")
    assert parts[0].pk == entry.pk  # an import's or a bill's link to the entry stays
    rows = list(Transaction.objects.filter(account=acc, kind="expense").order_by("pk"))
    assert [(r.amount, r.category.name) for r in rows] == [(D("80.00"), "groceries"), (D("20.00"), "household")]
    assert rows[0].split_id is not None and rows[0].split_id == rows[1].split_id
    assert {(r.occurred_on, r.payee, r.description, r.account_id) for r in rows} == {
        (DAY, entry.payee, "LIDL 1234 BERLIN", acc.pk)}
    assert (spent(user, "groceries"), spent(user, "household")) == (D("80.00"), D("20.00"))
    assert DailyTotal.objects.get(account=acc, day=DAY, category=household).total == D("20.00")
    assert len(sent) == 1  # one signal for the whole change
    assert {c.action for c in sent[0]} == {"edited", "created"}
    assert LedgerVersion.objects.get(owner=user).version == version + 1


def test_budgets_see_each_part_in_its_own_category(client, shop):
    user, acc, entry = shop
    budget(user, "groceries", "75.00", start=date(2025, 1, 1))
    budget(user, "household", "25.00", start=date(2025, 1, 1))
    services.entry_split(user=user, transaction_id=entry.pk,
                         parts=[(D("70.00"), entry.category), (D("30.00"), default_category("household"))])
    client.force_login(user)
    with time_machine.travel(DAY, tick=False):
        budgets = json.loads(client.get(reverse("dashboard:overview")).content, parse_float=D)["budgets"]
    assert {(b["category"], b["spent"], b["exceeded"]) for b in budgets} == {
        ("groceries", D("70.00"), False), ("household", D("30.00"), True)}


@pytest.mark.parametrize(("amounts", "message"), [
    (["80.00", "10.00"], "The parts add up to 90.00 USD; the entry is 100.00 USD: 10.00 USD is not in a part yet."),
    (["80.00", "30.00"], "The parts add up to 110.00 USD; the entry is 100.00 USD: take 10.00 USD off the parts."),
])
def test_parts_that_do_not_add_up_are_refused_and_nothing_changes(shop, amounts, message):
    user, acc, entry = shop
    with pytest.raises(ValidationError) as error:
        services.entry_split(user=user, transaction_id=entry.pk,
                             parts=[(D(a), entry.category) for a in amounts])
    assert error.value.message_dict["parts"] == [message]
    assert list(Transaction.objects.filter(account=acc, kind="expense").values_list("amount", "split_id")) == [
        (D("100.00"), None)]


def test_only_income_and_expenses_split_and_categories_must_fit(shop):
    user, acc, entry = shop
    other = account(user, "Savings", opened_on=date(2025, 1, 1))
    leg = transfer(acc, other, "50.00", on=DAY)
    with pytest.raises(ValidationError, match="Only income and expenses can be split"):
        services.entry_split(user=user, transaction_id=leg.pk, parts=[(D("25.00"), None), (D("25.00"), None)])
    opening = Transaction.objects.get(account=acc, kind="opening")
    with pytest.raises(ValidationError, match="Only income and expenses"):
        services.entry_split(user=user, transaction_id=opening.pk, parts=[(D("500.00"), entry.category)])
    salary = default_category("salary")
    salary.kind = "income"
    salary.save()
    with pytest.raises(ValidationError, match="is a category for income"):
        services.entry_split(user=user, transaction_id=entry.pk, parts=[(D("50.00"), entry.category),
                                                                        (D("50.00"), salary)])
    stranger = category("theirs", user=UserFactory())
    with pytest.raises(ValidationError, match="Choose one of your categories"):
        services.entry_split(user=user, transaction_id=entry.pk, parts=[(D("50.00"), entry.category),
                                                                        (D("50.00"), stranger)])
    with pytest.raises(ValidationError, match="at most 20 parts"):
        services.entry_split(user=user, transaction_id=entry.pk, parts=[(D("1.00"), entry.category)] * 21)
    with pytest.raises(ValidationError, match="greater than zero|positive"):
        services.entry_split(user=user, transaction_id=entry.pk, parts=[(D("100.00"), entry.category),
                                                                        (D("0.00"), entry.category)])
    with pytest.raises(Transaction.DoesNotExist):
        services.entry_split(user=UserFactory(), transaction_id=entry.pk, parts=[(D("100.00"), entry.category)])


def test_splitting_again_reuses_rows_and_one_part_joins_it_back(shop):
    user, acc, entry = shop
    household, drinks = default_category("household"), default_category("drinks")
    three = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("50.00"), entry.category), (D("30.00"), household), (D("20.00"), drinks)])
    # From any part: the same entry. Three parts become two: the last row goes.
    two = services.entry_split(user=user, transaction_id=three[2].pk, parts=[
        (D("60.00"), household), (D("40.00"), entry.category)])
    assert [p.pk for p in two] == [three[0].pk, three[1].pk]
    assert not Transaction.objects.filter(pk=three[2].pk).exists()
    assert two[0].split_id == three[0].split_id
    joined = services.entry_split(user=user, transaction_id=two[1].pk, parts=[(D("100.00"), drinks)])
    row = Transaction.objects.get(pk=entry.pk)
    assert (len(joined), row.amount, row.category.name, row.split_id) == (1, D("100.00"), "drinks", None)
    assert Transaction.objects.filter(account=acc, kind="expense").count() == 1
    assert (spent(user, "groceries"), spent(user, "household"), spent(user, "drinks")) == (0, 0, D("100.00"))


def test_income_splits_too():
    user = UserFactory()
    acc = account(user, opened_on=date(2025, 1, 1))
    pay = income(acc, "3000.00", on=DAY, description="ACME payroll")
    bonus = default_category("bonus")
    parts = services.entry_split(user=user, transaction_id=pay.pk, parts=[(D("2500.00"), pay.category),
                                                                          (D("500.00"), bonus)])
    assert [p.kind for p in parts] == ["income", "income"]
    assert balance(acc) == D("3000.00")


def test_editing_a_split_entry_changes_every_part_and_keeps_the_amounts(shop):
    user, acc, entry = shop
    household = default_category("household")
    services.entry_split(user=user, transaction_id=entry.pk, parts=[(D("80.00"), entry.category),
                                                                    (D("20.00"), household)])
    second = Transaction.objects.get(split_id__isnull=False, category=household)
    services.transaction_edit(user=user, transaction_id=second.pk, amount=None, occurred_on=date(2025, 3, 12),
                              description="Lidl", payee="Lidl Berlin", category=entry.category)
    rows = list(Transaction.objects.filter(account=acc, kind="expense").order_by("pk"))
    assert [(r.amount, r.category.name, r.occurred_on, r.payee, r.description) for r in rows] == [
        (D("80.00"), "groceries", date(2025, 3, 12), "Lidl Berlin", "Lidl"),
        (D("20.00"), "household", date(2025, 3, 12), "Lidl Berlin", "Lidl")]
    # Its total may be given (unchanged); another amount is refused.
    services.transaction_edit(user=user, transaction_id=entry.pk, amount=D("100.00"), occurred_on=date(2025, 3, 12))
    with pytest.raises(ValidationError, match="split into 2 parts"):
        services.transaction_edit(user=user, transaction_id=entry.pk, amount=D("90.00"), occurred_on=DAY)
    # Moved to another account: both parts, and the money with them.
    other = account(user, "Card", opening="200.00", opened_on=date(2025, 1, 1))
    services.transaction_edit(user=user, transaction_id=entry.pk, amount=None, occurred_on=DAY, account_id=other.pk)
    assert set(Transaction.objects.filter(split_id=rows[0].split_id).values_list("account_id", flat=True)) == {other.pk}
    assert (balance(acc), balance(other)) == (D("500.00"), D("100.00"))


def test_deleting_a_part_deletes_the_whole_entry_and_bulk_delete_too(shop):
    user, acc, entry = shop
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("80.00"), entry.category), (D("20.00"), default_category("household"))])
    services.transaction_delete(user=user, transaction_id=parts[1].pk)
    assert not Transaction.objects.filter(account=acc, kind="expense").exists()
    assert balance(acc) == D("500.00")
    again = expense(acc, "60.00", on=DAY)
    parts = services.entry_split(user=user, transaction_id=again.pk, parts=[
        (D("10.00"), again.category), (D("50.00"), default_category("household"))])
    assert services.entries_delete(user=user, transaction_ids=[parts[0].pk]) == 2
    assert balance(acc) == D("500.00")


def test_a_split_on_a_closed_account_still_shares_out():
    user = UserFactory()
    acc = AccountFactory(owner=user, opening_balance=D("0.00"), opened_on=date(2025, 1, 1))
    pay = income(acc, "40.00", on=DAY)
    entry = expense(acc, "40.00", on=DAY)
    del pay
    from apps.accounts import services as account_services
    account_services.account_close(user=user, account_id=acc.pk)
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("15.00"), entry.category), (D("25.00"), default_category("household"))])
    assert len(parts) == 2


class TestAnySplitAddsUp(HypothesisTestCase):
    """Any sharing out whose parts add up leaves the balance, the ledger and the totals in step,
    and any that does not changes nothing."""

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.integers(min_value=1, max_value=50_000), min_size=1, max_size=8), st.booleans())
    def test_parts(self, cents, off_by_one):
        user = UserFactory()
        acc = account(user, opening="1000.00", opened_on=date(2025, 1, 1))
        total = D(sum(cents)) / 100
        entry = expense(acc, total, on=DAY) if total <= D("1000.00") else income(acc, total, on=DAY)
        names = ["food", "household", "drinks"]
        categories = [default_category(names[i % 3]) for i in range(len(cents))]
        if entry.kind == "income":
            categories = [entry.category] * len(cents)
        amounts = [D(c) / 100 for c in cents]
        if off_by_one:
            amounts[0] += D("0.01")
        before = balance(acc)
        try:
            parts = services.entry_split(user=user, transaction_id=entry.pk,
                                         parts=list(zip(amounts, categories, strict=True)))
        except ValidationError:
            assert off_by_one
            assert Transaction.objects.get(pk=entry.pk).amount == total
        else:
            assert not off_by_one
            assert sum(p.amount for p in parts) == total
            assert Transaction.objects.filter(account=acc, kind=entry.kind).count() == len(cents)
        assert balance(acc) == before
        assert_ledger_consistent()


# --- the pages -------------------------------------------------------------------------------


def split_url(entry) -> str:
    return reverse("transactions:split", kwargs={"pk": entry.pk})


def post_parts(client, entry, parts, **extra):
    data = {"form-TOTAL_FORMS": str(len(parts)), "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "20", **extra}
    for i, (amount, category_id) in enumerate(parts):
        data[f"form-{i}-amount"] = amount
        data[f"form-{i}-category"] = "" if category_id is None else str(category_id)
    return client.post(split_url(entry), data)


def test_the_split_page_shows_the_entry_and_its_parts(client, shop):
    user, acc, entry = shop
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(split_url(entry))
    assert response.status_code == 200
    page = response.content.decode()
    assert "100.00 USD" in page and "Part 1" in page and "Part 3" in page and "Part 4" not in page
    assert 'name="form-0-amount" value="100.00"' in page
    assert f'<option value="{entry.category_id}" selected>' in page
    assert 'name="form-1-amount"' in page and 'name="form-2-amount"' in page
    # Session, user, the entry, the categories, the alerts' count; the parts of a split one: one more.
    assert len(queries) == 5, [q["sql"] for q in queries]
    # ?rows= asks for more rows, up to 20.
    page = client.get(split_url(entry) + "?rows=500").content.decode()
    assert 'name="form-19-amount"' in page and 'name="form-20-amount"' not in page
    assert client.get(split_url(entry) + "?rows=x²").status_code == 200
    services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("50.00"), entry.category), (D("30.00"), default_category("household")), (D("20.00"), entry.category)])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(split_url(entry)).content.decode()
    assert len(queries) == 6, [q["sql"] for q in queries]
    assert 'name="form-2-amount" value="20.00"' in page and 'name="form-4-amount"' in page


def test_posting_parts_splits_and_says_so(client, shop):
    user, acc, entry = shop
    household = default_category("household")
    client.force_login(user)
    response = post_parts(client, entry, [("80.00", entry.category_id), ("20", household.pk), ("", None)])
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:detail", kwargs={"pk": acc.pk})
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == ["Split into 2 parts: Groceries 80.00 USD, Household 20.00 USD."]
    assert sorted(Transaction.objects.filter(account=acc, kind="expense").values_list("amount", flat=True)) == [
        D("20.00"), D("80.00")]
    # The list marks the parts, and the edit page lists them with a link back here.
    listing = client.get(reverse("transactions:list")).content.decode()
    assert listing.count("data-split") == 2
    edit = client.get(reverse("transactions:update", kwargs={"pk": entry.pk})).content.decode()
    assert "split into 2 parts" in edit and 'name="amount"' not in edit and 'name="category"' not in edit
    assert 'id="split-link"' in edit
    # Joined back from the second part's page.
    second = Transaction.objects.get(account=acc, amount=D("20.00"))
    response = post_parts(client, second, [("100.00", household.pk)])
    assert [str(m) for m in response.wsgi_request._messages] == ["Joined back into one entry of 100.00 USD."]
    assert Transaction.objects.get(account=acc, kind="expense").split_id is None


def test_bad_parts_show_what_is_wrong_and_keep_what_was_typed(client, shop):
    user, acc, entry = shop
    household = default_category("household")
    client.force_login(user)
    response = post_parts(client, entry, [("80.00", entry.category_id), ("15.00", household.pk)])
    page = response.content.decode()
    assert response.status_code == 200
    assert "5.00 USD is not in a part yet." in page
    assert 'value="15.00"' in page and 'value="80.00"' in page
    response = post_parts(client, entry, [("80.00", entry.category_id), ("20.00", None), ("", household.pk),
                                          ("abc", household.pk)])
    page = response.content.decode()
    assert "Choose a category for this part." in page
    assert "Enter this part&#x27;s amount." in page
    assert 'value="abc"' in page
    response = post_parts(client, entry, [("", None), ("", None)])
    assert "Give at least one part" in response.content.decode()
    # A tampered management form is a form error, not a 500.
    response = client.post(split_url(entry), {"form-TOTAL_FORMS": "x"})
    assert response.status_code == 200
    response = post_parts(client, entry, [("1.00", entry.category_id)] * 25)
    assert response.status_code == 200 and "Please submit at most 20 forms." in response.content.decode()
    assert Transaction.objects.get(account=acc, kind="expense").amount == D("100.00")


def test_another_customers_entry_or_category_answers_404_and_transfers_do_not_split(client, shop):
    user, acc, entry = shop
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(split_url(entry)).status_code == 404
    assert post_parts(client, entry, [("100.00", entry.category_id)]).status_code == 404
    client.force_login(user)
    theirs = category("theirs", user=stranger)
    assert post_parts(client, entry, [("50.00", entry.category_id), ("50.00", theirs.pk)]).status_code == 404
    other = account(user, "Savings", opened_on=date(2025, 1, 1))
    leg = transfer(acc, other, "10.00", on=DAY)
    assert client.get(split_url(leg)).status_code == 404
    assert Transaction.objects.get(pk=entry.pk).split_id is None


def test_deleting_a_split_entry_asks_about_all_its_parts(client, shop):
    user, acc, entry = shop
    services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("80.00"), entry.category), (D("20.00"), default_category("household"))])
    client.force_login(user)
    url = reverse("transactions:delete", kwargs={"pk": entry.pk})
    page = client.get(url).content.decode()
    assert "all its 2 parts are removed" in page and 'id="delete-parts"' in page
    response = client.post(url)
    assert [str(m) for m in response.wsgi_request._messages] == ["Expense of 100.00 USD deleted; balances updated."]
    assert not Transaction.objects.filter(account=acc, kind="expense").exists()


# --- "Add and split": a new entry shared out over categories right away --------

def test_add_and_split_records_the_entry_then_opens_its_split(logged_in, user):
    acc = account(user, opening="500.00", opened_on=date(2025, 1, 1))
    form = logged_in.get(reverse("transactions:expense"))
    assert '<button type="submit" name="then" value="split" class="btn btn-outline-secondary" id="add-and-split">' \
        'Add and split into categories</button>' in form.content.decode()
    data = {"account": acc.pk, "amount": "84.20", "category": default_category("groceries").pk,
            "occurred_on": "2025-03-10", "description": "Supermarket", "form_token": str(uuid.uuid4())}

    with time_machine.travel(date(2025, 3, 15)):
        response = logged_in.post(reverse("transactions:expense"), {**data, "then": "split"})

    entry = Transaction.objects.get(owner=user, description="Supermarket")
    assert response.status_code == 302 and response["Location"] == reverse("transactions:split", args=[entry.pk])
    assert (entry.amount, balance(acc)) == (D("84.20"), D("415.80"))
    page = logged_in.get(response["Location"]).content.decode()
    assert "Expense of 84.20 USD recorded on" in page  # the message follows to the split page

    # The plain button still goes to the account; so does income, which has the button too.
    with time_machine.travel(date(2025, 3, 15)):
        plain = logged_in.post(reverse("transactions:expense"), {**data, "form_token": str(uuid.uuid4())})
    assert plain["Location"] == reverse("accounts:detail", args=[acc.pk])
    assert 'id="add-and-split"' in logged_in.get(reverse("transactions:income")).content.decode()
    assert 'id="add-and-split"' not in logged_in.get(reverse("transactions:transfer")).content.decode()
