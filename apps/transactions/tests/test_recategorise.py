from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.transactions.models import MonthlyTotal, Transaction
from apps.transactions.selectors import monthly_total_mismatches
from apps.transactions.services import adjustment_post, entries_recategorise
from apps.transactions.signals import ledger_changed
from tests.factories import AccountFactory, CategoryFactory, default_category, expense, income, transfer

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def signals():
    received = []

    def receiver(sender, user, changes, **kwargs):
        received.append(changes)

    ledger_changed.connect(receiver, dispatch_uid="test_recategorise")
    yield received
    ledger_changed.disconnect(dispatch_uid="test_recategorise")


def bucket(account, category, kind="expense"):
    row = MonthlyTotal.objects.filter(account=account, category=category, kind=kind).first()
    return (row.total, row.count) if row else (D("0.00"), 0)


def test_moves_entries_between_buckets_with_one_signal(user, signals):
    account = AccountFactory(owner=user, opening_balance=D("500.00"))
    food, rent = default_category("food"), default_category("rent")
    a = expense(account, "10.00", description="TESCO 1")
    b = expense(account, "15.50", description="TESCO 2")
    c = expense(account, "7.00", description="Other")
    signals.clear()
    changed = entries_recategorise(user=user, changes=[(a.pk, rent, "Tesco"), (b.pk, rent, None)])
    assert {r.pk for r in changed} == {a.pk, b.pk}
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.category, a.payee) == (rent, "Tesco")
    assert (b.category, b.payee) == (rent, "Tesco")  # the normalised payee of "TESCO 2" was kept
    assert c.category == food
    assert bucket(account, food) == (D("7.00"), 1)
    assert bucket(account, rent) == (D("25.50"), 2)
    assert monthly_total_mismatches() == []
    account.refresh_from_db()
    assert account.balance == D("467.50")  # balances do not move
    assert len(signals) == 1
    assert sorted((ch.category_id, ch.amount) for ch in signals[0]) == sorted(
        [(food.pk, D("10.00")), (food.pk, D("15.50")), (rent.pk, D("10.00")), (rent.pk, D("15.50"))])


def test_payee_only_change_keeps_totals(user):
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    entry = income(account, "50.00", description="ACME PAYROLL")
    entries_recategorise(user=user, changes=[(entry.pk, None, "  Acme   Corp ")])
    entry.refresh_from_db()
    assert entry.payee == "Acme Corp"
    assert bucket(account, default_category("salary"), "income") == (D("50.00"), 1)


def test_nothing_to_change_sends_nothing(user, signals):
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    entry = expense(account, "5.00")
    signals.clear()
    assert entries_recategorise(user=user, changes=[(entry.pk, default_category("food"), None)]) == []
    assert entries_recategorise(user=user, changes=[]) == []
    assert signals == []


def test_refuses_transfers_corrections_and_other_users_entries_atomically(user, user_factory):
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    other_account = AccountFactory(owner=user)
    mine = expense(account, "5.00")
    leg = transfer(account, other_account, "1.00")
    theirs = expense(AccountFactory(owner=user_factory(), opening_balance=D("10.00")), "1.00")
    correction = adjustment_post(staff_user=user_factory(is_staff=True), account_id=account.pk, amount=D("2.00"),
                                 reason="Bank error in your favour")
    rent = default_category("rent")
    for bad in (leg.pk, theirs.pk, correction.pk, 999_999_999):
        with pytest.raises(ValidationError):
            entries_recategorise(user=user, changes=[(mine.pk, rent, None), (bad, rent, None)])
    mine.refresh_from_db()
    assert mine.category == default_category("food")  # nothing half-written
    correction.refresh_from_db()
    assert correction.category is None


def test_refuses_another_users_category(user, user_factory):
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    entry = expense(account, "5.00")
    foreign = CategoryFactory(owner=user_factory())
    with pytest.raises(ValidationError) as caught:
        entries_recategorise(user=user, changes=[(entry.pk, foreign, None)])
    assert "category" in caught.value.message_dict
    assert Transaction.objects.get(pk=entry.pk).category == default_category("food")


def test_own_category_and_several_months(user):
    account = AccountFactory(owner=user, opening_balance=D("100.00"))
    mine = CategoryFactory(owner=user, name="groceries")
    entries = [expense(account, "3.00", on=date(2025, m, 5)) for m in (1, 2, 3)]
    entries_recategorise(user=user, changes=[(e.pk, mine, None) for e in entries])
    assert MonthlyTotal.objects.filter(account=account, category=mine).count() == 3
    assert monthly_total_mismatches() == []
