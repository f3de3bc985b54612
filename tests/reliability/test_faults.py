"""a fault in the middle of a money movement leaves no trace.

The fault strikes after the first leg is written (its balance moved, or its ledger row
inserted) and before the second: an exception inside the atomic block, the server
killing the backend (`pg_terminate_backend` from another connection), or the client
socket closing. Afterwards, read back over a fresh connection, neither leg exists,
every balance and monthly total is unchanged, and the form's one-time token is still
free, so the customer's retry posts the transfer exactly once.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, InterfaceError, connection

from apps.transactions import services
from apps.transactions.models import Category, FormSubmission, MonthlyTotal, Transaction

from .invariants import ledger_problems

D = Decimal
TODAY = date(2025, 6, 15)


class InjectedFault(Exception):
    pass


def _terminate_backend(pid: int) -> None:
    """Kill `pid` from another connection (another thread) and wait until it is gone."""
    errors = []

    def kill():  # in its own thread, so on its own connection
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                for _ in range(200):
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                    if cursor.fetchone()[0] == 0:
                        return
                    time.sleep(0.01)
                errors.append(f"backend {pid} still alive")
        except Exception as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connection.close()

    killer = threading.Thread(target=kill)
    killer.start()
    killer.join()
    assert not errors, errors


def _fault(kind: str):
    """What happens at the fault point, and what the service call must then raise."""
    if kind == "exception":
        def strike():
            raise InjectedFault("fault injected after the first leg")
        return strike, InjectedFault
    if kind == "server_kills_backend":
        def strike():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            _terminate_backend(pid)
        return strike, (DatabaseError, InterfaceError)
    if kind == "client_closes_socket":
        def strike():
            connection.connection.close()
        return strike, (DatabaseError, InterfaceError)
    raise AssertionError(kind)


def _inject_after_first_balance_update(monkeypatch, strike, hits):
    from apps.transactions.services import postings  # the money movements call ledger.apply_deltas from here

    original = postings.apply_deltas

    def apply_deltas(accounts, deltas):
        moving = sorted(pk for pk, delta in deltas.items() if delta)
        first = moving[0]
        original(accounts, {first: deltas[first]})
        hits.append("balance")
        strike()
        original(accounts, {pk: deltas[pk] for pk in moving[1:]})

    monkeypatch.setattr(postings, "apply_deltas", apply_deltas)


def _inject_after_first_leg_row(monkeypatch, strike, hits):
    manager = Transaction.objects
    original = manager.bulk_create

    def bulk_create(rows, *args, **kwargs):
        created = original(rows[:1], *args, **kwargs)
        hits.append("row")
        strike()
        return created + original(rows[1:], *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", bulk_create)


def _customer(committed_db):
    user = committed_db.user("fault")
    food = Category.objects.create(owner=user, name="food")
    checking = services.account_open(user=user, name="Checking", opened_on=TODAY, opening_balance=D("500.00"))
    savings = services.account_open(user=user, name="Savings", opened_on=TODAY, opening_balance=D("100.00"))
    services.expense_post(user=user, account_id=checking.pk, amount=D("12.34"), category=food, occurred_on=TODAY)
    return user, checking, savings


def _state(user):
    """Everything a money movement could change, read over a fresh connection."""
    connection.close()
    return {
        "balances": dict(user.accounts.values_list("pk", "balance")),
        "rows": sorted(Transaction.objects.filter(owner=user).values_list("pk", "kind", "amount", "account_id",
                                                                           "description")),
        "monthly": sorted(MonthlyTotal.objects.filter(owner=user).values_list("pk", "total", "count")),
        "tokens": sorted(FormSubmission.objects.filter(owner=user).values_list("token", "transaction_id")),
    }


FAULTS = ["exception", "server_kills_backend", "client_closes_socket"]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("point", ["after_first_balance_update", "after_first_leg_row"])
def test_transfer_interrupted_after_first_leg_writes_neither_leg(committed_db, monkeypatch, fault, point):
    user, checking, savings = _customer(committed_db)
    before = _state(user)
    token = uuid.uuid4()
    strike, raised = _fault(fault)
    hits = []
    inject = _inject_after_first_balance_update if point == "after_first_balance_update" else \
        _inject_after_first_leg_row
    inject(monkeypatch, strike, hits)

    with pytest.raises(raised):
        services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk, amount=D("200.00"),
                          occurred_on=TODAY, description="interrupted", form_token=token)
    assert hits, "the fault point was never reached: the test would prove nothing"
    monkeypatch.undo()

    assert _state(user) == before
    assert not Transaction.objects.filter(owner=user, description="interrupted").exists()

    # The token was not burnt: the customer's retry goes through, exactly once.
    services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk, amount=D("200.00"),
                      occurred_on=TODAY, description="retried", form_token=token)
    services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk, amount=D("200.00"),
                      occurred_on=TODAY, description="retried", form_token=token)  # a replay: no-op
    after = _state(user)
    assert after["balances"] == {checking.pk: D("287.66"), savings.pk: D("300.00")}
    assert Transaction.objects.filter(owner=user, description="retried").count() == 2
    assert ledger_problems([user.pk]) == []


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("operation", ["edit_transfer", "delete_transfer"])
def test_edit_or_delete_interrupted_after_first_leg_changes_nothing(committed_db, monkeypatch, fault, operation):
    user, checking, savings = _customer(committed_db)
    out_leg = services.transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk,
                                amount=D("50.00"), occurred_on=TODAY, description="original")
    before = _state(user)
    strike, raised = _fault(fault)
    hits = []
    _inject_after_first_balance_update(monkeypatch, strike, hits)

    with pytest.raises(raised):
        if operation == "edit_transfer":
            services.transaction_edit(user=user, transaction_id=out_leg.pk, amount=D("75.00"),
                                      occurred_on=date(2025, 7, 1), description="edited")  # another month
        else:
            services.transaction_delete(user=user, transaction_id=out_leg.pk)
    assert hits
    monkeypatch.undo()

    assert _state(user) == before
    assert ledger_problems([user.pk]) == []
