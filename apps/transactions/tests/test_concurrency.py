"""Money under concurrency, with real connections: each thread has its own PostgreSQL
connection and commits for real (transactional tests), started together by a barrier."""

import threading
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.accounts import services as account_services
from apps.accounts.models import Account
from apps.transactions import services
from apps.transactions.models import FormSubmission, Transaction
from tests.factories import AccountFactory, UserFactory, default_category

# serialized_rollback: the flush after a transactional test would also remove the default
# categories and roles that data migrations made; this puts them back for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DAY = date(2025, 3, 10)


def run_at_once(count, work):
    """Run ``work(i)`` in ``count`` threads released together; returns (results, errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, [None] * count

    def thread_main(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 (collected and asserted on by the test)
            errors[i] = exc
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=thread_main, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results, errors


def balance(account):
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def test_many_expenses_at_once_never_overdraw_and_lose_no_update():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    food = default_category("food")
    amount, threads = Decimal("7.30"), 24  # 24 x 7.30 = 175.20 > 100: only 13 can fit

    def spend(i):
        return services.expense_post(user=account.owner, account_id=account.pk, amount=amount, category=food,
                                     occurred_on=DAY, description=f"thread {i}")

    results, errors = run_at_once(threads, spend)
    committed = [r for r in results if r is not None]
    refused = [e for e in errors if e is not None]
    assert all(isinstance(e, ValidationError) and "Not enough money" in str(e) for e in refused), refused
    assert len(committed) + len(refused) == threads
    assert len(committed) == 13  # every expense that fitted went through: refusals were only for lack of money
    final = balance(account)
    assert final == Decimal("100.00") - amount * len(committed) == Decimal("5.10")
    assert final >= 0
    assert Transaction.objects.filter(account=account, kind="expense").count() == len(committed)


def test_transfers_in_both_directions_at_once_do_not_deadlock_and_conserve_money():
    user = UserFactory()
    a = AccountFactory(owner=user, opening_balance=Decimal("500.00"))
    b = AccountFactory(owner=user, opening_balance=Decimal("500.00"))
    threads, rounds = 20, 5

    def shuffle(i):
        source, target, amount = (a, b, Decimal("7.00")) if i % 2 else (b, a, Decimal("5.00"))
        for _ in range(rounds):
            services.transfer_create(user=user, from_account_id=source.pk, to_account_id=target.pk, amount=amount,
                              occurred_on=DAY)

    _, errors = run_at_once(threads, shuffle)
    assert errors == [None] * threads  # no deadlock, no serialization failure, no overdraft
    half = threads // 2
    assert balance(a) == Decimal("500.00") - half * rounds * Decimal("7.00") + half * rounds * Decimal("5.00")
    assert balance(a) + balance(b) == Decimal("1000.00")
    assert Transaction.objects.filter(kind="transfer_out").count() == threads * rounds


def test_same_form_token_posted_ten_times_at_once_creates_one_transaction():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    food, token = default_category("food"), uuid.uuid4()

    def submit(i):
        return services.expense_post(user=account.owner, account_id=account.pk, amount=Decimal("10.00"),
                                     category=food, occurred_on=DAY, form_token=token).pk

    results, errors = run_at_once(10, submit)
    assert errors == [None] * 10
    assert len(set(results)) == 1  # every request got the same entry back
    assert Transaction.objects.filter(kind="expense").count() == 1
    assert FormSubmission.objects.get(token=token).transaction_id == results[0]
    assert balance(account) == Decimal("90.00")


def test_same_transfer_token_posted_at_once_moves_money_once():
    user = UserFactory()
    a = AccountFactory(owner=user, opening_balance=Decimal("100.00"))
    b = AccountFactory(owner=user)
    token = uuid.uuid4()

    def submit(i):
        return services.transfer_create(user=user, from_account_id=a.pk, to_account_id=b.pk, amount=Decimal("30.00"),
                                 occurred_on=DAY, form_token=token).pk

    results, errors = run_at_once(10, submit)
    assert errors == [None] * 10 and len(set(results)) == 1
    assert (balance(a), balance(b)) == (Decimal("70.00"), Decimal("30.00"))


def test_edits_and_deletes_racing_with_expenses_keep_the_balance_right():
    account = AccountFactory(opening_balance=Decimal("200.00"))
    food = default_category("food")
    entries = [services.expense_post(user=account.owner, account_id=account.pk, amount=Decimal("10.00"),
                                     category=food, occurred_on=DAY) for _ in range(6)]

    def work(i):
        if i < 6:
            entry = entries[i]
            if i % 2:
                services.transaction_delete(user=account.owner, transaction_id=entry.pk)
            else:
                services.transaction_edit(user=account.owner, transaction_id=entry.pk, amount=Decimal("25.00"),
                                          occurred_on=DAY)
        else:
            services.expense_post(user=account.owner, account_id=account.pk, amount=Decimal("12.00"),
                                  category=food, occurred_on=DAY)

    _, errors = run_at_once(16, work)
    assert [e for e in errors if e is not None and not isinstance(e, ValidationError)] == []
    # Whatever interleaving happened, the stored balance equals the rows that are left
    # (the autouse check compares it with the ledger sum) and never went below zero.
    assert balance(account) >= 0
    spent = sum(Transaction.objects.filter(account=account, kind="expense").values_list("amount", flat=True))
    assert balance(account) == Decimal("200.00") - spent


def test_close_racing_with_income_never_leaves_a_closed_account_with_money():
    account = AccountFactory()
    salary = default_category("salary")

    def work(i):
        if i % 2:
            return account_services.account_close(user=account.owner, account_id=account.pk)
        return services.income_post(user=account.owner, account_id=account.pk, amount=Decimal("5.00"),
                                    category=salary, occurred_on=DAY)

    _, errors = run_at_once(10, work)
    assert all(e is None or isinstance(e, ValidationError) for e in errors), errors
    account.refresh_from_db()
    if account.is_closed:
        assert account.balance == Decimal("0.00")
    assert account.balance == Decimal("5.00") * Transaction.objects.filter(account=account, kind="income").count()


def test_splits_edits_and_deletes_of_one_entry_at_once_leave_one_whole_entry_or_none():
    """Eight requests on one split entry at once, each starting from a different part: shared out
    again in two or three parts, moved to another day, or deleted. Each waits for the others'
    locks; at the end the parts (if any) add up to the entry, and the ledger and totals agree."""
    user = UserFactory()
    account = AccountFactory(owner=user, opening_balance=Decimal("500.00"))
    food, household = default_category("food"), default_category("household")
    entry = services.expense_post(user=user, account_id=account.pk, amount=Decimal("90.00"), category=food,
                                  occurred_on=DAY)
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (Decimal("30.00"), food), (Decimal("30.00"), household), (Decimal("30.00"), food)])
    starts = [p.pk for p in parts]

    def work(i):
        start = starts[i % len(starts)]
        if i == 7:
            return services.transaction_delete(user=user, transaction_id=start)
        if i % 3 == 0:
            return services.transaction_edit(user=user, transaction_id=start, amount=None,
                                             occurred_on=date(2025, 3, 11 + i))
        shares = [(Decimal("45.00"), food), (Decimal("45.00"), household)] if i % 2 else \
            [(Decimal("10.00"), household), (Decimal("20.00"), food), (Decimal("60.00"), household)]
        return services.entry_split(user=user, transaction_id=start, parts=shares)

    results, errors = run_at_once(8, work)
    # A request whose part went with an earlier one finds it gone, or changed: nothing else fails.
    for error in errors:
        assert error is None or isinstance(error, Transaction.DoesNotExist) or (
            isinstance(error, ValidationError) and "changed meanwhile" in str(error)), error
    rows = list(Transaction.objects.filter(account=account, kind="expense"))
    assert sum(r.amount for r in rows) in (Decimal(0), Decimal("90.00"))
    assert len({(r.split_id, r.occurred_on) for r in rows}) <= 1
    assert balance(account) == Decimal("500.00") - sum(r.amount for r in rows)
    from .ledger_checks import assert_ledger_consistent
    assert_ledger_consistent()
