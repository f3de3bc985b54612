"""The demo's bills: they carry the ledger seed's history on, and the forecast dips near
the buffer once."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.bills.forecast import account_forecast
from apps.bills.models import RecurringItem
from apps.bills.seed import first_after, seed_bills
from apps.transactions.seed import seed_ledger
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_first_after():
    assert first_after(date(2025, 12, 15), 1) == date(2026, 1, 1)
    assert first_after(date(2025, 12, 15), 16) == date(2025, 12, 16)
    assert first_after(date(2025, 12, 15), 15) == date(2026, 1, 15)  # posted today by the ledger seed
    assert first_after(date(2026, 1, 31), 31) == date(2026, 2, 28)


def test_the_demo_forecast_dips_near_the_buffer_once():
    customer = UserFactory()
    seed_ledger(customer, StringIO())
    out = StringIO()
    seed_bills(customer, out)
    assert "created 8 bills, income and transfers" in out.getvalue()
    items = {i.name: i for i in RecurringItem.objects.filter(owner=customer)}
    assert items["Salary, Acme Corp"].next_due_on == date(2026, 1, 1)  # December's is in the ledger already
    assert items["Electricity"].is_estimated and not items["Electricity"].autopay
    assert items["Rent, Elm Street flat"].autopay and items["Savings top-up"].count == 1
    checking = Account.objects.get(owner=customer, kind="checking")
    assert checking.forecast_buffer == D("500.00")

    forecast = account_forecast(user=customer, account_id=checking.pk, days=90)
    assert D("500.00") + D("40.00") <= forecast.lowest.balance < D("500.00") + D("50.00")
    # In the month after the next salary (1 January), before the one after (1 February).
    assert (forecast.lowest.day, forecast.lowest.after.label) == (date(2026, 1, 25), "Savings top-up")
    near = [p.balance < D("700.00") for p in forecast.points]
    dips = sum(1 for i, low in enumerate(near) if low and (i == 0 or not near[i - 1]))
    assert dips == 1
    assert forecast.safe_to_spend > 0 and not Alert.objects.filter(owner=customer, kind="forecast_low").exists()


def test_seeding_again_changes_nothing():
    customer = UserFactory()
    seed_ledger(customer, StringIO())
    seed_bills(customer, StringIO())
    count = RecurringItem.objects.count()
    out = StringIO()
    seed_bills(customer, out)
    assert RecurringItem.objects.count() == count and "kept the bills" in out.getvalue()


def test_no_checking_account_no_bills():
    customer = UserFactory()
    out = StringIO()
    seed_bills(customer, out)
    assert not RecurringItem.objects.exists() and "no checking account" in out.getvalue()
