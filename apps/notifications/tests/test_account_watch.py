"""Account thresholds (apps.notifications.account_watch): a balance going below its threshold is
told once per crossing, an entry above the large-transaction amount once per entry, inside the
posting's transaction and in a fixed number of queries per batch."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Account
from apps.alerts.models import Alert, AlertKind
from apps.notifications.account_watch import account_thresholds_check
from apps.transactions import services
from apps.transactions.models import Transaction
from apps.transactions.services import BatchEntry
from apps.transactions.signals import LedgerChange
from tests.factories import DAY, account, category, expense, income, transfer

D = Decimal


def watch(acct, *, below=None, above=None):
    Account.objects.filter(pk=acct.pk).update(low_balance_alert_below=below and D(below),
                                              large_transaction_alert_above=above and D(above))


def told(user, kind):
    return list(Alert.objects.filter(owner=user, kind=kind).order_by("pk").values_list("dedupe_key", "message"))


def low(acct, number, balance, threshold="100.00"):
    return (f"low_balance:{acct.pk}:{number}",
            f"The balance of “{acct.name}” is {balance} USD, below the {threshold} USD you asked to be alerted at.")


@pytest.mark.django_db
def test_the_balance_going_below_its_threshold_is_told_once_per_crossing(user):
    checking = account(user, opening="500.00")
    watch(checking, below="100.00")

    expense(checking, "350.00")  # 150: above
    expense(checking, "100.00")  # 50: crosses
    expense(checking, "10.00")  # 40: still below, nothing more
    income(checking, "60.00")  # 100: at the threshold is not below
    assert told(user, AlertKind.LOW_BALANCE) == [low(checking, 1, "50.00")]

    expense(checking, "0.01")  # 99.99: crosses again
    assert told(user, AlertKind.LOW_BALANCE) == [low(checking, 1, "50.00"), low(checking, 2, "99.99")]


@pytest.mark.django_db
def test_an_edit_a_deletion_or_a_transfer_that_crosses_is_told(user):
    checking = account(user, opening="300.00")
    savings = account(user, "Savings", opening="0.00")
    watch(checking, below="100.00")
    pay = income(checking, "100.00")  # 400
    rent = expense(checking, "200.00")  # 200

    services.transaction_edit(user=user, transaction_id=rent.pk, amount=D("250.00"), occurred_on=DAY,
                              category=rent.category)  # 150: above
    services.transaction_delete(user=user, transaction_id=pay.pk)  # 50: crosses
    assert told(user, AlertKind.LOW_BALANCE) == [low(checking, 1, "50.00")]

    services.transaction_edit(user=user, transaction_id=rent.pk, amount=D("100.00"), occurred_on=DAY,
                              category=rent.category)  # 200: back above
    transfer(checking, savings, "150.00")  # 50: crosses again, told on the account that went down only
    assert told(user, AlertKind.LOW_BALANCE) == [low(checking, 1, "50.00"), low(checking, 2, "50.00")]


@pytest.mark.django_db
def test_each_entry_above_the_amount_is_told_once_money_out_and_money_in(user):
    checking = account(user, opening="10000.00")
    savings = account(user, "Savings", opening="0.00")
    watch(checking, above="1000.00")
    watch(savings, above="1500.00")

    expense(checking, "1000.00")  # not above
    rent = expense(checking, "1000.01")
    pay = income(checking, "2500.00")
    leg = transfer(checking, savings, "2000.00")
    other_leg = Transaction.objects.get(transfer_id=leg.transfer_id, kind=Transaction.Kind.TRANSFER_IN)

    assert told(user, AlertKind.LARGE_TRANSACTION) == [
        (f"large_transaction:{rent.pk}", "1,000.01 USD out of “Checking” (expense): more than the 1,000.00 USD "
                                         "you asked to be alerted of."),
        (f"large_transaction:{pay.pk}", "2,500.00 USD into “Checking” (income): more than the 1,000.00 USD "
                                        "you asked to be alerted of."),
        (f"large_transaction:{leg.pk}", "2,000.00 USD out of “Checking” (transfer out): more than the "
                                        "1,000.00 USD you asked to be alerted of."),
        (f"large_transaction:{other_leg.pk}", "2,000.00 USD into “Savings” (transfer in): more than the "
                                              "1,500.00 USD you asked to be alerted of."),
    ]

    # An entry is told once: edited to another large amount, not again; a small one edited up, told.
    services.transaction_edit(user=user, transaction_id=rent.pk, amount=D("1200.00"), occurred_on=DAY,
                              category=rent.category)
    small = expense(checking, "20.00")
    services.transaction_edit(user=user, transaction_id=small.pk, amount=D("3000.00"), occurred_on=DAY,
                              category=small.category)
    # Recategorising (no money moves) an old entry after the threshold was lowered tells nothing.
    watch(checking, above="10.00")
    services.entries_recategorise(user=user, changes=[(pay.pk, category("bonus", user=user), None)])
    keys = [key for key, _ in told(user, AlertKind.LARGE_TRANSACTION)]
    assert keys == [f"large_transaction:{pk}" for pk in (rent.pk, pay.pk, leg.pk, other_leg.pk, small.pk)]


@pytest.mark.django_db
def test_a_rolled_back_posting_leaves_no_alert(user):
    checking = account(user, opening="150.00")
    watch(checking, below="100.00", above="10.00")
    with pytest.raises(RuntimeError), transaction.atomic():
        expense(checking, "100.00")
        assert Alert.objects.filter(owner=user).count() == 2  # written inside the posting's transaction
        raise RuntimeError("the posting fails later")
    assert not Alert.objects.filter(owner=user).exists()


def _changes(accounts, count):
    return [LedgerChange(transaction_id=10_000_000 + i, kind="expense", category_id=None, amount=D("500.00"),
                         occurred_on=DAY, action="created", account_id=accounts[i % 2].pk) for i in range(count)]


@pytest.mark.django_db
def test_the_check_costs_a_fixed_number_of_queries_whatever_the_batch_size(user):
    first, second = account(user, opening="100.00"), account(user, "Savings", opening="100.00")

    with CaptureQueriesContext(connection) as quiet:
        account_thresholds_check(user=user, changes=_changes([first, second], 40))
    assert len(quiet) == 1  # no account of the batch has a threshold: one look

    # Each account's balance before the (made-up) batch is 100 + 250 per entry: both cross below 500.
    watch(first, below="500.00", above="100.00")
    watch(second, below="500.00", above="100.00")
    costs = []
    for count in (2, 40):
        Alert.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            raised = account_thresholds_check(user=user, changes=_changes([first, second], count))
        assert len(raised) == count + 2  # every entry, and both accounts crossing
        costs.append(len(queries))
    assert costs[0] == costs[1]
    assert costs[0] <= 6


@pytest.mark.django_db
def test_a_whole_batch_is_judged_on_its_net_effect(user):
    checking = account(user, opening="200.00")
    watch(checking, below="100.00")
    food = category(user=user)
    # Down to 50 and back up to 250 in one import batch: the balance never ends below, nothing told.
    services.entries_post(user=user, entries=[
        BatchEntry(account_id=checking.pk, kind="expense", amount=D("150.00"), occurred_on=DAY, category_id=food.pk),
        BatchEntry(account_id=checking.pk, kind="income", amount=D("200.00"), occurred_on=DAY,
                   category_id=category("salary").pk),
    ])
    assert told(user, AlertKind.LOW_BALANCE) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_concurrent_postings_that_both_go_below_tell_it_once(user):
    checking = account(user, opening="120.00")
    watch(checking, below="100.00")
    food = category(user=user)
    barrier, errors = threading.Barrier(2), []

    def spend():
        try:
            barrier.wait(timeout=10)
            services.expense_post(user=user, account_id=checking.pk, amount=D("30.00"), category=food,
                                  occurred_on=DAY)
        except Exception as exc:  # noqa: BLE001 (asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # 120 -> 90 crosses (whichever came first), 90 -> 60 does not.
    assert told(user, AlertKind.LOW_BALANCE) == [low(checking, 1, "90.00")]


@pytest.mark.django_db
def test_a_savings_goal_reached_is_told_once_per_goal(user):
    from apps.accounts.services import account_goal_set

    checking = account(user, opening="5000.00")
    savings = account(user, "Savings", opening="900.00", kind=Account.Kind.SAVINGS)
    account_goal_set(user=user, account_id=savings.pk, amount=D("1000.00"))
    message = "“Savings” holds {} USD: you reached your savings goal of {} USD."

    transfer(checking, savings, "99.99")  # 999.99: not yet
    assert told(user, AlertKind.GOAL_REACHED) == []
    transfer(checking, savings, "0.01")  # 1,000.00: reached (at the goal is reached)
    expense(savings, "50.00")  # back below ...
    income(savings, "80.00")  # ... and up again: the same goal, told once
    assert told(user, AlertKind.GOAL_REACHED) == [(f"goal_reached:{savings.pk}:1000.00",
                                                    message.format("1,000.00", "1,000.00"))]
    # A new goal is a new milestone; reaching it by an edit is told too.
    account_goal_set(user=user, account_id=savings.pk, amount=D("1500.00"))
    pay = income(savings, "100.00")  # 1,130
    services.transaction_edit(user=user, transaction_id=pay.pk, amount=D("500.00"), occurred_on=DAY,
                              category=pay.category)  # 1,530
    assert [key for key, _message in told(user, AlertKind.GOAL_REACHED)] == [
        f"goal_reached:{savings.pk}:1000.00", f"goal_reached:{savings.pk}:1500.00"]
    assert told(user, AlertKind.GOAL_REACHED)[1][1] == message.format("1,530.00", "1,500.00")
    # A goal set below the balance is not a crossing: nothing to tell.
    account_goal_set(user=user, account_id=checking.pk, amount=D("100.00"))
    expense(checking, "1.00")
    assert len(told(user, AlertKind.GOAL_REACHED)) == 2


@pytest.mark.django_db
def test_splitting_a_payment_tells_of_no_new_large_entry(user):
    checking = account(user, opening="500.00")
    watch(checking, above="50.00")
    entry = expense(checking, "100.00")  # told: more than 50
    assert len(told(user, AlertKind.LARGE_TRANSACTION)) == 1
    # Shared out over two categories, and again over three: the same payment, nothing new to tell.
    # (Each split adds a row of more than 50: told as a new entry before the split was said.)
    parts = services.entry_split(user=user, transaction_id=entry.pk, parts=[
        (D("30.00"), entry.category), (D("70.00"), category("household"))])
    services.entry_split(user=user, transaction_id=parts[1].pk, parts=[
        (D("20.00"), entry.category), (D("25.00"), category("household")), (D("55.00"), entry.category)])
    assert len(told(user, AlertKind.LARGE_TRANSACTION)) == 1
    expense(checking, "70.00")  # a new payment is still told
    assert len(told(user, AlertKind.LARGE_TRANSACTION)) == 2
