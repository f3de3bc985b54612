from decimal import Decimal
from io import StringIO

import pytest
from django.db.models import Min

from apps.accounts.models import Account
from apps.transactions.models import Transaction
from apps.transactions.seed import seed_ledger
from apps.transactions.selectors import monthly_spending
from tests.clock import TODAY
from tests.factories import UserFactory

# The seed writes six months up to today: the clock stays at tests.clock.NOW.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def test_seed_creates_three_accounts_and_six_months():
    customer = UserFactory()
    out = StringIO()
    seed_ledger(customer, out)
    accounts = {a.kind: a for a in Account.objects.filter(owner=customer)}
    assert set(accounts) == {"checking", "savings", "credit_card"}
    assert accounts["credit_card"].credit_limit == Decimal("3000.00")
    opening = Transaction.objects.get(account=accounts["checking"], kind="opening")
    assert opening.amount == Decimal("2500.00")
    entries = Transaction.objects.filter(owner=customer)
    months = {d.replace(day=1) for d in entries.values_list("occurred_on", flat=True)}
    assert len(months) == 6
    assert max(months) == TODAY.replace(day=1)  # a UTC customer
    categories = set(entries.exclude(category=None).values_list("category__name", flat=True))
    assert {"salary", "rent", "food", "transport", "utilities", "entertainment", "shopping", "health"} <= categories
    assert entries.filter(kind="transfer_in", account=accounts["savings"]).count() >= 5
    assert all(isinstance(a, Decimal) for a in entries.values_list("amount", flat=True))
    first = entries.aggregate(first=Min("occurred_on"))["first"]
    assert monthly_spending(user=customer, month=first).total > 0
    assert "created 3 accounts" in out.getvalue()


def test_seed_is_idempotent_and_deterministic():
    a, b = UserFactory(), UserFactory()
    seed_ledger(a, StringIO())
    seed_ledger(b, StringIO())
    out = StringIO()
    seed_ledger(a, out)  # a second run changes nothing
    assert "kept" in out.getvalue()
    assert Account.objects.filter(owner=a).count() == 3

    def shape(user):
        return sorted(Transaction.objects.filter(owner=user).values_list("kind", "amount", "occurred_on",
                                                                          "description"))

    assert shape(a) == shape(b)
    assert [acc.balance for acc in Account.objects.filter(owner=a).order_by("kind")] == [
        acc.balance for acc in Account.objects.filter(owner=b).order_by("kind")]
