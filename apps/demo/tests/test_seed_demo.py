import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.accounts.models import Account
from apps.audit.models import AuditEvent
from apps.bills.forecast import account_forecast
from apps.bills.models import RecurringItem
from apps.core.dates import shift_month, user_today
from apps.rewards.selectors import points_total
from apps.users.models import User
from apps.users.seed import DEMO_PASSWORD

# The demo seed writes months relative to today: the clock stays at tests.clock.NOW.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in ("users", "accounts", "transactions", "budgets", "alerts", "auth", "bills",
                                         "rewards")}


def test_seed_demo_creates_the_three_demo_logins():
    call_command("seed_demo", stdout=io.StringIO())
    demo = User.objects.get(email="demo@example.com")
    staff = User.objects.get(email="staff@example.com")
    auditor = User.objects.get(email="auditor@example.com")
    assert demo.check_password(DEMO_PASSWORD) and not demo.is_staff
    assert staff.is_staff and auditor.is_staff
    assert [g.name for g in demo.groups.all()] == ["customer"]
    assert [g.name for g in staff.groups.all()] == ["support"]
    assert [g.name for g in auditor.groups.all()] == ["auditor"]
    # Bills, a salary and reward points, granted through the audited staff path.
    assert RecurringItem.objects.filter(owner=demo, kind="bill").count() >= 3
    assert RecurringItem.objects.filter(owner=demo, kind="income").exists()
    assert points_total(user=demo) == 50
    assert AuditEvent.objects.filter(action="points_adjustment", actor=staff).exists()
    # The savings are toward a goal a year out, which safe to spend leaves aside.
    savings = Account.objects.get(owner=demo, name="Rainy-day savings")
    assert (savings.goal_amount, savings.goal_on) == (Decimal("5000.00"), shift_month(user_today(demo), 12))
    forecast = account_forecast(user=demo, account_id=savings.pk)
    assert forecast.set_aside == savings.balance > 0 and forecast.safe_to_spend == 0


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    first = row_counts()
    password = User.objects.get(email="demo@example.com").password
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == first
    assert User.objects.get(email="demo@example.com").password == password
