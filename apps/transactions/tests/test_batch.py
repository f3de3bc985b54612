"""entries_post / entries_delete: many entries in one atomic posting, and its undo."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Account
from apps.transactions.models import MonthlyTotal, Transaction
from apps.transactions.services import BatchEntry, BatchEntryError, entries_delete, entries_post
from apps.transactions.signals import ledger_changed
from tests.factories import AccountFactory, UserFactory, default_category, expense

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2025, 3, 10)


def balance(account) -> Decimal:
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


@pytest.fixture
def signals():
    sent = []

    def receiver(sender, user, changes, **kwargs):
        kwargs.pop("signal", None)
        sent.append((changes, kwargs))

    ledger_changed.connect(receiver, dispatch_uid="test_batch.count")
    yield sent
    ledger_changed.disconnect(dispatch_uid="test_batch.count")


def test_posts_income_expense_and_transfers_with_one_signal(frozen_now, signals):
    checking = AccountFactory(opening_balance=D("100.00"))
    savings = AccountFactory(owner=checking.owner)
    food, salary = default_category("food"), default_category("salary")
    entries = [
        BatchEntry(account_id=checking.pk, kind="expense", amount=D("30.00"), occurred_on=DAY, category_id=food.pk,
                   description="TESCO STORES 123"),
        BatchEntry(account_id=checking.pk, kind="income", amount=D("1000.00"), occurred_on=DAY,
                   category_id=salary.pk, description="Salary"),
        BatchEntry(account_id=checking.pk, kind="transfer", amount=D("500.00"), occurred_on=DAY,
                   to_account_id=savings.pk, description="To savings"),
    ]
    signals.clear()
    rows = entries_post(user=checking.owner, entries=entries, batch="b1")
    assert [len(r) for r in rows] == [1, 1, 2]
    assert rows[0][0].payee == "Tesco Stores"
    assert balance(checking) == D("570.00") and balance(savings) == D("500.00")
    assert len(signals) == 1
    changes, kwargs = signals[0]
    accounts = kwargs.pop("accounts")  # the rows the batch locked, with their balances after it
    assert len(changes) == 4 and kwargs == {"batch": "b1"}
    assert {pk: a.balance for pk, a in accounts.items()} == {checking.pk: D("570.00"), savings.pk: D("500.00")}
    assert MonthlyTotal.objects.get(account=checking, kind="expense").total == D("30.00")


def test_overdraft_names_the_entry_in_file_order_and_writes_nothing(frozen_now, signals):
    checking = AccountFactory(opening_balance=D("50.00"))
    food = default_category("food")
    entries = [
        BatchEntry(account_id=checking.pk, kind="expense", amount=D("40.00"), occurred_on=DAY, category_id=food.pk,
                   label="line 2"),
        # The net result (+100 - 40 - 60 = 50) is fine, but in the file's order line 3 overdraws.
        BatchEntry(account_id=checking.pk, kind="expense", amount=D("60.00"), occurred_on=DAY, category_id=food.pk,
                   label="line 3"),
        BatchEntry(account_id=checking.pk, kind="income", amount=D("100.00"), occurred_on=DAY,
                   category_id=default_category("salary").pk, label="line 4"),
    ]
    before = Transaction.objects.count()
    signals.clear()
    with pytest.raises(BatchEntryError) as caught:
        entries_post(user=checking.owner, entries=entries)
    assert caught.value.index == 1
    assert caught.value.messages == [f"line 3: not enough money in “{checking.name}”: this would take the balance "
                                     "to −50.00 USD."]
    assert Transaction.objects.count() == before
    assert balance(checking) == D("50.00")
    assert signals == []


@pytest.mark.parametrize("change, message", [
    ({"category_id": None}, "choose one of your categories."),
    ({"occurred_on": date(2019, 1, 1)}, "was opened on Jan 1, 2020"),
    ({"occurred_on": date(2027, 6, 1)}, "is more than a year from today."),
    ({"amount": D("0.001")}, "Use at most two decimal places"),
    ({"kind": "opening"}, "cannot be imported"),
])
def test_invalid_entry_is_named(frozen_now, change, message):
    checking = AccountFactory(opening_balance=D("50.00"))
    fields = {"account_id": checking.pk, "kind": "expense", "amount": D("1.00"), "occurred_on": DAY,
              "category_id": default_category("food").pk, "label": "line 9"}
    good = BatchEntry(**{**fields, "label": "line 8"})
    with pytest.raises(BatchEntryError) as caught:
        entries_post(user=checking.owner, entries=[good, BatchEntry(**{**fields, **change})])
    assert caught.value.index == 1
    assert caught.value.messages[0].startswith("line 9: ") and message in caught.value.messages[0]
    assert balance(checking) == D("50.00")


def test_another_customers_account_or_category_is_refused(frozen_now):
    mine = AccountFactory(opening_balance=D("50.00"))
    theirs = AccountFactory(opening_balance=D("50.00"))
    food = default_category("food")
    with pytest.raises(ValidationError) as caught:
        entries_post(user=mine.owner, entries=[BatchEntry(account_id=theirs.pk, kind="expense", amount=D("1.00"),
                                                          occurred_on=DAY, category_id=food.pk)])
    assert caught.value.message_dict == {"account": ["Choose one of your accounts."]}
    from tests.factories import CategoryFactory

    their_category = CategoryFactory(owner=theirs.owner, name="secret")
    with pytest.raises(BatchEntryError):
        entries_post(user=mine.owner, entries=[BatchEntry(account_id=mine.pk, kind="expense", amount=D("1.00"),
                                                          occurred_on=DAY, category_id=their_category.pk)])
    assert balance(mine) == D("50.00") and balance(theirs) == D("50.00")


def test_delete_removes_the_batch_with_one_signal_and_both_transfer_legs(frozen_now, signals):
    checking = AccountFactory(opening_balance=D("100.00"))
    savings = AccountFactory(owner=checking.owner)
    food = default_category("food")
    rows = entries_post(user=checking.owner, entries=[
        BatchEntry(account_id=checking.pk, kind="expense", amount=D("10.00"), occurred_on=DAY, category_id=food.pk),
        BatchEntry(account_id=checking.pk, kind="transfer", amount=D("20.00"), occurred_on=DAY,
                   to_account_id=savings.pk),
    ])
    signals.clear()
    # Only the outgoing leg is named: the incoming one goes with it.
    removed = entries_delete(user=checking.owner, transaction_ids=[rows[0][0].pk, rows[1][0].pk])
    assert removed == 3
    assert balance(checking) == D("100.00") and balance(savings) == D("0.00")
    assert len(signals) == 1 and len(signals[0][0]) == 3
    assert MonthlyTotal.objects.get(account=checking, kind="expense").total == D("0.00")


def test_delete_refused_when_it_would_overdraw(frozen_now):
    checking = AccountFactory()
    salary = default_category("salary")
    rows = entries_post(user=checking.owner, entries=[
        BatchEntry(account_id=checking.pk, kind="income", amount=D("100.00"), occurred_on=DAY,
                   category_id=salary.pk)])
    expense(checking, "80.00")
    with pytest.raises(ValidationError) as caught:
        entries_delete(user=checking.owner, transaction_ids=[rows[0][0].pk])
    assert "Not enough money" in caught.value.messages[0]
    assert balance(checking) == D("20.00")
    assert Transaction.objects.filter(pk=rows[0][0].pk).exists()


def test_delete_refuses_another_customers_or_opening_rows(frozen_now):
    checking = AccountFactory(opening_balance=D("100.00"))
    other = UserFactory()
    opening = Transaction.objects.get(account=checking, kind="opening")
    with pytest.raises(ValidationError):
        entries_delete(user=other, transaction_ids=[opening.pk])
    with pytest.raises(ValidationError) as caught:
        entries_delete(user=checking.owner, transaction_ids=[opening.pk])
    assert "cannot be removed" in caught.value.messages[0]
    assert balance(checking) == D("100.00")


def test_a_category_of_the_other_kind_or_hidden_is_refused_naming_the_entry(frozen_now):
    from apps.transactions.models import CategoryPreference

    checking = AccountFactory(opening_balance=D("100.00"))
    salary, food = default_category("salary"), default_category("food")  # salary: income only; food: expenses
    with pytest.raises(BatchEntryError) as refused:
        entries_post(user=checking.owner, entries=[
            BatchEntry(account_id=checking.pk, kind="expense", amount=D("1.00"), occurred_on=DAY,
                       category_id=food.pk, label="Line 2"),
            BatchEntry(account_id=checking.pk, kind="expense", amount=D("2.00"), occurred_on=DAY,
                       category_id=salary.pk, label="Line 3"),
        ])
    assert refused.value.messages == ["Line 3: this category is for income: choose one for expense."]
    CategoryPreference.objects.create(owner=checking.owner, category=food, hidden=True)
    with pytest.raises(BatchEntryError, match="Line 2: choose one of your categories"):
        entries_post(user=checking.owner, entries=[
            BatchEntry(account_id=checking.pk, kind="expense", amount=D("1.00"), occurred_on=DAY,
                       category_id=food.pk, label="Line 2")])
    assert not Transaction.objects.filter(account=checking).exclude(kind="opening").exists()
