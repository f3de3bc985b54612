"""The merchant groups' cache (apps.insights.merchants): filled by a read, forgotten by every
ledger change to an expense of its month, and never filled with figures older than a change
that committed after they were read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.insights.merchants import _store, merchant_months_forget, merchant_spending
from apps.insights.models import MerchantMonth
from apps.transactions import services
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal
DEC, NOV = date(2025, 12, 1), date(2025, 11, 1)


def spent(user, month=DEC) -> dict[str, Decimal]:
    return {row["name"] or f"no payee {row['no_payee_category']}": row["amount"]
            for row in merchant_spending(user=user, months=[month]) if row["month"] == month}


@pytest.fixture
def shopper(now, user_factory):
    user = user_factory(time_zone="UTC", default_currency="USD")
    account = f.account(user, "Checking", opening="1000.00")
    f.expense(account, "12.00", on=date(2025, 12, 2), payee="Bakery")
    return user, account


def test_a_read_fills_the_cache_and_the_next_read_is_one_query(shopper):
    user, _ = shopper
    assert spent(user) == {"Bakery": D("12.00")}
    assert MerchantMonth.objects.get(owner=user, month=DEC).totals is not None
    with CaptureQueriesContext(connection) as captured:
        assert spent(user) == {"Bakery": D("12.00")}
    assert len(captured) == 1


def test_every_change_to_an_expense_forgets_its_month(shopper):
    user, account = shopper
    spent(user)
    coffee = f.expense(account, "3.50", on=date(2025, 12, 3), payee="Cafe")
    assert spent(user) == {"Bakery": D("12.00"), "Cafe": D("3.50")}
    services.transaction_edit(user=user, transaction_id=coffee.pk, amount=D("4.00"), occurred_on=date(2025, 11, 30),
                              description="", payee="Corner Cafe")
    assert spent(user) == {"Bakery": D("12.00")}
    assert spent(user, NOV) == {"Corner Cafe": D("4.00")}
    services.transaction_delete(user=user, transaction_id=coffee.pk)
    assert spent(user, NOV) == {}
    # Income and transfers are not merchants: they leave the cache alone.
    generation = MerchantMonth.objects.get(owner=user, month=DEC).generation
    f.income(account, "50.00", on=date(2025, 12, 4))
    assert MerchantMonth.objects.get(owner=user, month=DEC).generation == generation


def test_a_fill_read_before_a_change_never_overwrites_it(shopper):
    user, account = shopper
    merchant_months_forget(user_id=user.pk, months=[DEC])
    read = MerchantMonth.objects.get(owner=user, month=DEC)
    assert read.totals is None
    # A change commits between the read and the fill: the stale fill is dropped.
    f.expense(account, "8.00", on=date(2025, 12, 5), payee="Bakery")
    _store(user_id=user.pk, fills=[(DEC, read.generation, [["USD", "BAKERY", "Bakery", None, "12.00"]])])
    assert MerchantMonth.objects.get(owner=user, month=DEC).totals is None
    assert spent(user) == {"Bakery": D("20.00")}


def test_a_fill_never_overwrites_a_row_a_change_inserted(shopper):
    user, account = shopper
    MerchantMonth.objects.filter(owner=user).delete()
    f.expense(account, "1.00", on=date(2025, 12, 6), payee="Kiosk")  # inserts the row, generation 1
    _store(user_id=user.pk, fills=[(DEC, 0, [])])  # computed when there was no row
    assert MerchantMonth.objects.get(owner=user, month=DEC).totals is None
    assert spent(user) == {"Bakery": D("12.00"), "Kiosk": D("1.00")}


def test_each_customer_has_their_own_groups(shopper, user_factory):
    user, _ = shopper
    other = user_factory(time_zone="UTC", default_currency="USD")
    f.expense(f.account(other, "Theirs", opening="100.00"), "9.99", on=date(2025, 12, 2), payee="Bakery")
    assert spent(user) == {"Bakery": D("12.00")}
    assert spent(other) == {"Bakery": D("9.99")}
