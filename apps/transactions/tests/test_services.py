import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import Account
from apps.transactions import services
from apps.transactions.models import Category, DailyTotal, FormSubmission, MonthlyTotal, Transaction
from apps.transactions.selectors import monthly_spending
from apps.transactions.signals import ledger_changed
from tests.factories import (
    AccountFactory,
    CategoryFactory,
    CreditCardFactory,
    UserFactory,
    default_category,
    expense,
    income,
    transfer,
)

pytestmark = pytest.mark.django_db


def balance(account) -> Decimal:
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def counts():
    return (Transaction.objects.count(), MonthlyTotal.objects.count(), FormSubmission.objects.count())


# --- opening -----------------------------------------------------------------

def test_opening_balance_is_the_first_ledger_entry():
    account = AccountFactory(opening_balance=Decimal("250.00"), opened_on=date(2025, 1, 5))
    assert balance(account) == Decimal("250.00")
    entry = Transaction.objects.get(account=account)
    assert (entry.kind, entry.amount, entry.occurred_on) == ("opening", Decimal("250.00"), date(2025, 1, 5))


def test_opening_without_balance_writes_no_entry_and_credit_limit_only_for_cards():
    card = CreditCardFactory(credit_limit=Decimal("500.00"))
    assert Transaction.objects.count() == 0
    assert card.credit_limit == Decimal("500.00")
    # The service refuses a limit on another kind of account (it used to drop it silently).
    with pytest.raises(ValidationError, match="Only credit cards have a credit limit"):
        AccountFactory(owner=card.owner, credit_limit=Decimal("500.00"))
    assert Account.objects.filter(owner=card.owner).count() == 1


@pytest.mark.parametrize("bad", [Decimal("-1.00"), Decimal("0.001")])
def test_opening_balance_must_be_a_positive_amount_in_cents(bad):
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.account_open(user=user, name="Checking", opening_balance=bad)
    assert not Account.objects.exists()  # the account row went with the refused entry


# --- posting -----------------------------------------------------------------

def test_income_and_expense_move_the_balance_and_the_monthly_totals():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    income(account, "1200.00", on=date(2025, 3, 1))
    expense(account, "45.10", on=date(2025, 3, 2))
    expense(account, "4.90", on=date(2025, 3, 31))
    assert balance(account) == Decimal("1250.00")
    food = MonthlyTotal.objects.get(account=account, kind="expense", month=date(2025, 3, 1))
    assert (food.total, food.count) == (Decimal("50.00"), 2)
    spending = monthly_spending(user=account.owner, month=date(2025, 3, 1))
    assert spending.total == Decimal("50.00")
    assert spending.by_category == {"food": Decimal("50.00")}


def test_tenths_add_up_exactly():
    account = AccountFactory()
    income(account, "0.10")
    income(account, "0.20")
    assert balance(account) == Decimal("0.30")
    assert str(balance(account)) == "0.30"


def test_overdraft_is_refused_and_nothing_is_written():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    before = counts()
    received = []
    ledger_changed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="test-overdraft")
    try:
        with pytest.raises(ValidationError) as exc:
            expense(account, "100.01", form_token=uuid.uuid4())
    finally:
        ledger_changed.disconnect(dispatch_uid="test-overdraft")
    assert "Not enough money" in exc.value.message_dict["amount"][0]
    assert balance(account) == Decimal("100.00")
    assert counts() == before  # no entry, no monthly total, no token
    assert received == []
    expense(account, "100.00")  # spending exactly everything is fine
    assert balance(account) == Decimal("0.00")


def test_credit_card_may_go_down_to_minus_its_limit_but_not_further():
    card = CreditCardFactory(credit_limit=Decimal("500.00"))
    expense(card, "500.00")
    assert balance(card) == Decimal("-500.00")
    with pytest.raises(ValidationError):
        expense(card, "0.01")
    assert balance(card) == Decimal("-500.00")


@pytest.mark.parametrize("amount", ["0", "-5.00", "0.001", "1000000000000.00", "abc", "NaN"])
def test_bad_amounts_are_refused(amount):
    account = AccountFactory(opening_balance=Decimal("10.00"))
    with pytest.raises(ValidationError) as exc:
        services.income_post(user=account.owner, account_id=account.pk, amount=amount,
                             category=default_category("salary"), occurred_on=date(2025, 1, 1))
    assert "amount" in exc.value.message_dict
    assert Transaction.objects.filter(kind="income").count() == 0


def test_another_users_account_or_category_is_refused():
    mine, theirs = AccountFactory(opening_balance=Decimal("10.00")), AccountFactory(opening_balance=Decimal("10.00"))
    with pytest.raises(ValidationError) as exc:
        services.expense_post(user=mine.owner, account_id=theirs.pk, amount=Decimal("1.00"),
                              category=default_category(), occurred_on=date(2025, 1, 1))
    assert "account" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.expense_post(user=mine.owner, account_id=mine.pk, amount=Decimal("1.00"),
                              category=CategoryFactory(owner=theirs.owner), occurred_on=date(2025, 1, 1))
    assert "category" in exc.value.message_dict
    assert (balance(mine), balance(theirs)) == (Decimal("10.00"), Decimal("10.00"))


def test_own_category_can_be_used():
    account = AccountFactory()
    mine = CategoryFactory(owner=account.owner, name="pets")
    entry = services.income_post(user=account.owner, account_id=account.pk, amount=Decimal("3.00"), category=mine,
                                 occurred_on=date(2025, 1, 1))
    assert entry.category == mine


def test_closed_account_takes_no_new_entries():
    account = AccountFactory()
    Account.objects.filter(pk=account.pk).update(closed_on=date(2025, 2, 1))
    with pytest.raises(ValidationError) as exc:
        income(account, "5.00")
    assert "closed" in exc.value.message_dict["account"][0]


# --- transfers ---------------------------------------------------------------

def test_transfer_writes_both_legs_atomically():
    user = UserFactory()
    source = AccountFactory(owner=user, opening_balance=Decimal("300.00"))
    target = AccountFactory(owner=user)
    leg = transfer(source, target, "120.50", description="savings")
    assert (balance(source), balance(target)) == (Decimal("179.50"), Decimal("120.50"))
    legs = Transaction.objects.filter(transfer_id=leg.transfer_id).order_by("kind")
    assert [(t.kind, t.account_id, t.amount) for t in legs] == [
        ("transfer_in", target.pk, Decimal("120.50")), ("transfer_out", source.pk, Decimal("120.50"))]
    assert MonthlyTotal.objects.count() == 0  # transfers are not spending


def test_transfer_refusals_write_nothing():
    user = UserFactory()
    source = AccountFactory(owner=user, opening_balance=Decimal("50.00"))
    target = AccountFactory(owner=user)
    euro = AccountFactory(owner=user, currency="EUR")
    other = AccountFactory()
    before = Transaction.objects.count()
    with pytest.raises(ValidationError, match="Not enough money"):
        transfer(source, target, "50.01")
    with pytest.raises(ValidationError, match="give the amount that arrives in EUR"):
        transfer(source, euro, "1.00")  # between two currencies, without what arrived
    with pytest.raises(ValidationError, match="greater than zero"):
        transfer(source, euro, "1.00", received_amount=Decimal("0.00"))
    with pytest.raises(ValidationError, match="the amount that arrives is the amount sent"):
        transfer(source, target, "1.00", received_amount=Decimal("0.99"))
    with pytest.raises(ValidationError, match="different accounts"):
        transfer(source, source, "1.00")
    with pytest.raises(ValidationError, match="your accounts"):
        services.transfer_create(user=user, from_account_id=source.pk, to_account_id=other.pk, amount=Decimal("1.00"),
                          occurred_on=date(2025, 1, 1))
    assert Transaction.objects.count() == before
    assert (balance(source), balance(target), balance(euro), balance(other)) == (
        Decimal("50.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


# --- transfers between two currencies ----------------------------------------

def test_a_transfer_between_two_currencies_holds_what_left_and_what_arrived():
    """500.00 USD left checking and 461.37 EUR arrived (the bank's rate and fee): each leg in
    its own account's currency; editing it from either line, and deleting it, keep the
    ledger whole."""
    user = UserFactory()
    checking = AccountFactory(owner=user, opening_balance=Decimal("1000.00"))
    euros = AccountFactory(owner=user, name="Euro account", currency="EUR", opening_balance=Decimal("10.00"))
    leg = transfer(checking, euros, "500.00", received_amount=Decimal("461.37"))
    legs = Transaction.objects.filter(transfer_id=leg.transfer_id).order_by("kind")
    assert [(t.kind, t.account_id, t.amount) for t in legs] == [
        ("transfer_in", euros.pk, Decimal("461.37")), ("transfer_out", checking.pk, Decimal("500.00"))]
    assert (balance(checking), balance(euros)) == (Decimal("500.00"), Decimal("471.37"))
    assert MonthlyTotal.objects.count() == 0  # not spending, not income

    arrived = legs[0]
    services.transaction_edit(user=user, transaction_id=arrived.pk, amount=Decimal("400.00"),
                              received_amount=Decimal("369.10"), occurred_on=leg.occurred_on)
    assert (balance(checking), balance(euros)) == (Decimal("600.00"), Decimal("379.10"))
    with pytest.raises(ValidationError, match="give the amount that arrives in EUR"):
        services.transaction_edit(user=user, transaction_id=leg.pk, amount=Decimal("400.00"),
                                  occurred_on=leg.occurred_on)
    services.transaction_delete(user=user, transaction_id=leg.pk)
    assert (balance(checking), balance(euros)) == (Decimal("1000.00"), Decimal("10.00"))


def test_a_transfer_between_two_currencies_cannot_overdraw_the_account_it_leaves():
    user = UserFactory()
    checking = AccountFactory(owner=user, opening_balance=Decimal("100.00"))
    euros = AccountFactory(owner=user, name="Euro account", currency="EUR")
    with pytest.raises(ValidationError, match="Not enough money"):
        transfer(checking, euros, "100.01", received_amount=Decimal("90.00"))
    assert Transaction.objects.filter(transfer_id__isnull=False).count() == 0


# --- one-time tokens ---------------------------------------------------------

def test_same_token_posts_once_and_returns_the_same_entry():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    token = uuid.uuid4()
    first = expense(account, "10.00", form_token=token)
    again = expense(account, "10.00", form_token=token)
    assert again.pk == first.pk
    assert balance(account) == Decimal("90.00")
    assert Transaction.objects.filter(kind="expense").count() == 1


def test_a_refused_submission_does_not_use_up_its_token():
    account = AccountFactory(opening_balance=Decimal("5.00"))
    token = uuid.uuid4()
    with pytest.raises(ValidationError):
        expense(account, "10.00", form_token=token)
    entry = expense(account, "5.00", form_token=token)  # the user fixed the amount and sent it again
    assert entry.amount == Decimal("5.00")
    assert balance(account) == Decimal("0.00")


def test_tokens_are_per_user():
    a, b = AccountFactory(opening_balance=Decimal("10.00")), AccountFactory(opening_balance=Decimal("10.00"))
    token = uuid.uuid4()
    expense(a, "1.00", form_token=token)
    expense(b, "1.00", form_token=token)
    assert (balance(a), balance(b)) == (Decimal("9.00"), Decimal("9.00"))


def test_token_unique_constraint_holds_in_the_database():
    user = UserFactory()
    token = uuid.uuid4()
    FormSubmission.objects.create(owner=user, token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        FormSubmission.objects.create(owner=user, token=token)


# --- edit and delete ---------------------------------------------------------

def test_edit_expense_moves_the_balance_by_the_difference():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    entry = expense(account, "30.00", on=date(2025, 3, 5))
    services.transaction_edit(user=account.owner, transaction_id=entry.pk, amount=Decimal("45.25"),
                              occurred_on=date(2025, 4, 2), description="edited",
                              category=default_category("health"))
    assert balance(account) == Decimal("54.75")
    entry.refresh_from_db()
    assert (entry.amount, entry.occurred_on, entry.description, entry.category.name) == (
        Decimal("45.25"), date(2025, 4, 2), "edited", "health")
    # The monthly totals followed the row to its new month and category.
    assert monthly_spending(user=account.owner, month=date(2025, 3, 1)).total == Decimal("0.00")
    assert monthly_spending(user=account.owner, month=date(2025, 4, 1)).by_category == {"health": Decimal("45.25")}


def test_edit_moves_an_income_to_another_account():
    user = UserFactory()
    a, b = AccountFactory(owner=user), AccountFactory(owner=user)
    entry = income(a, "80.00")
    services.transaction_edit(user=user, transaction_id=entry.pk, amount=Decimal("80.00"),
                              occurred_on=entry.occurred_on, account_id=b.pk)
    assert (balance(a), balance(b)) == (Decimal("0.00"), Decimal("80.00"))


def test_edit_refused_when_it_would_overdraw():
    account = AccountFactory()
    paid_in = income(account, "100.00")
    entry = expense(account, "60.00")
    with pytest.raises(ValidationError, match="Not enough money"):
        services.transaction_edit(user=account.owner, transaction_id=entry.pk, amount=Decimal("100.01"),
                                  occurred_on=entry.occurred_on)
    with pytest.raises(ValidationError, match="Not enough money"):  # shrinking an income below what was spent
        services.transaction_edit(user=account.owner, transaction_id=paid_in.pk, amount=Decimal("59.99"),
                                  occurred_on=paid_in.occurred_on)
    assert balance(account) == Decimal("40.00")
    entry.refresh_from_db()
    paid_in.refresh_from_db()
    assert (entry.amount, paid_in.amount) == (Decimal("60.00"), Decimal("100.00"))
    services.transaction_edit(user=account.owner, transaction_id=entry.pk, amount=Decimal("100.00"),
                              occurred_on=entry.occurred_on)
    assert balance(account) == Decimal("0.00")


def test_edit_transfer_changes_both_legs():
    user = UserFactory()
    a, b = AccountFactory(owner=user, opening_balance=Decimal("100.00")), AccountFactory(owner=user)
    leg = transfer(a, b, "40.00")
    incoming = Transaction.objects.get(transfer_id=leg.transfer_id, kind="transfer_in")
    services.transaction_edit(user=user, transaction_id=incoming.pk, amount=Decimal("70.00"),
                              occurred_on=date(2025, 3, 11))
    assert (balance(a), balance(b)) == (Decimal("30.00"), Decimal("70.00"))
    assert set(Transaction.objects.filter(transfer_id=leg.transfer_id).values_list("amount", flat=True)) == {
        Decimal("70.00")}
    with pytest.raises(ValidationError):
        services.transaction_edit(user=user, transaction_id=leg.pk, amount=Decimal("100.01"),
                                  occurred_on=date(2025, 3, 11))
    assert (balance(a), balance(b)) == (Decimal("30.00"), Decimal("70.00"))


def test_delete_gives_the_money_back_and_is_refused_when_it_would_overdraw():
    account = AccountFactory()
    paid_in = income(account, "100.00")
    spent = expense(account, "70.00")
    with pytest.raises(ValidationError, match="Not enough money"):
        services.transaction_delete(user=account.owner, transaction_id=paid_in.pk)
    assert Transaction.objects.filter(pk=paid_in.pk).exists()
    services.transaction_delete(user=account.owner, transaction_id=spent.pk)
    assert balance(account) == Decimal("100.00")
    services.transaction_delete(user=account.owner, transaction_id=paid_in.pk)
    assert balance(account) == Decimal("0.00")
    assert not Transaction.objects.exists()


def test_delete_transfer_removes_both_legs():
    user = UserFactory()
    a, b = AccountFactory(owner=user, opening_balance=Decimal("100.00")), AccountFactory(owner=user)
    leg = transfer(a, b, "40.00")
    services.transaction_delete(user=user, transaction_id=leg.pk)
    assert (balance(a), balance(b)) == (Decimal("100.00"), Decimal("0.00"))
    assert not Transaction.objects.filter(transfer_id=leg.transfer_id).exists()


def test_edit_and_delete_of_another_users_entry_are_not_found():
    mine, theirs = AccountFactory(), AccountFactory()
    entry = income(theirs, "10.00")
    with pytest.raises(Transaction.DoesNotExist):
        services.transaction_edit(user=mine.owner, transaction_id=entry.pk, amount=Decimal("1.00"),
                                  occurred_on=entry.occurred_on)
    with pytest.raises(Transaction.DoesNotExist):
        services.transaction_delete(user=mine.owner, transaction_id=entry.pk)
    assert balance(theirs) == Decimal("10.00")


def test_deleted_entrys_token_replays_as_already_submitted():
    account = AccountFactory()
    token = uuid.uuid4()
    entry = income(account, "10.00", form_token=token)
    services.transaction_delete(user=account.owner, transaction_id=entry.pk)
    with pytest.raises(ValidationError, match="already submitted"):
        income(account, "10.00", form_token=token)
    assert balance(account) == Decimal("0.00")


# --- categories ----------------------------------------------------------------

def test_category_create_refuses_duplicates_ignoring_case_and_defaults():
    user = UserFactory()
    category = services.category_create(user=user, name="  Pet   care ")
    assert (category.name, category.owner) == ("Pet care", user)
    for name in ("pet CARE", "Food", ""):
        with pytest.raises(ValidationError):
            services.category_create(user=user, name=name)
    # Another user may have the same name.
    assert services.category_create(user=UserFactory(), name="Pet care").name == "Pet care"
    assert Category.objects.filter(name__iexact="pet care").count() == 2


# --- operators -----------------------------------------------------------------

def test_ledger_repair_refuses_a_ledger_that_breaks_a_constraint():
    """A ledger summing below zero on a checking account cannot become its balance:
    reported as failed, nothing else lost."""
    account = AccountFactory(opening_balance=Decimal("10.00"))
    entry = expense(account, "10.00")
    Transaction.objects.filter(pk=entry.pk).update(amount=Decimal("25.00"))  # corrupt the ledger itself
    MonthlyTotal.objects.filter(account=account).update(total=Decimal("25.00"))
    report = services.ledger_repair()
    assert [m.account_id for m, _ in report.failed] == [account.pk]
    assert balance(account) == Decimal("0.00")
    Transaction.objects.filter(pk=entry.pk).update(amount=Decimal("10.00"))  # undo for the invariant check
    MonthlyTotal.objects.filter(account=account).update(total=Decimal("10.00"))
    DailyTotal.objects.filter(account=account).update(total=Decimal("10.00"))  # set to the ledger's 25.00
