"""Real concurrent connections: 20 expenses that cross the limits together."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from apps.alerts.models import Alert
from apps.budgets.models import Budget
from apps.core.dates import user_today
from apps.transactions import services as ledger
from tests.factories import BudgetFactory, UserFactory, account, category

THREADS = 20


# serialized_rollback: the migrations' data (default categories) is back even after another
# transactional test flushed the tables.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_expenses_crossing_the_limit_alert_exactly_once():
    user = UserFactory()
    accounts = [account(user, f"Account {i}", opening=Decimal("100.00")) for i in range(10)]
    monthly = BudgetFactory(owner=user, limit=Decimal("100.00"))  # warning past 80, exceeded past 100
    yearly = BudgetFactory(owner=user, period=Budget.Period.YEARLY, limit=Decimal("110.00"))
    food, today = category("food"), user_today(user)
    barrier = threading.Barrier(THREADS)
    errors = []

    def spend(i):
        try:
            barrier.wait(timeout=10)
            ledger.expense_post(user=user, account_id=accounts[i % len(accounts)].pk, amount=Decimal("6.00"),
                                category=food, occurred_on=today)
        except Exception as error:  # reported below, with the thread that failed
            errors.append((i, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(a.balance for a in type(accounts[0]).objects.filter(owner=user)) == Decimal("880.00")  # 1000 - 120
    alerts = sorted(Alert.objects.filter(owner=user).values_list("budget_id", "kind"))
    # Spent 120.00: both budgets exceeded; each line was crossed by one of the 20 and told once.
    assert alerts == sorted([
        (monthly.pk, Alert.Kind.BUDGET_WARNING), (monthly.pk, Alert.Kind.BUDGET_EXCEEDED),
        (yearly.pk, Alert.Kind.BUDGET_WARNING), (yearly.pk, Alert.Kind.BUDGET_EXCEEDED),
    ])
