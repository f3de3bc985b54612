import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import Account
from apps.transactions.models import MonthlyTotal
from tests.factories import AccountFactory, expense, income

pytestmark = pytest.mark.django_db


def run(*args):
    """call_command, returning (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("recalculate_balances", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def corrupt_balance(account, value):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_account SET balance = %s WHERE id = %s", [value, account.pk])


def corrupt_monthly_total(account, value):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE transactions_monthlytotal SET total = %s WHERE account_id = %s", [value, account.pk])


@pytest.fixture
def ledger():
    account = AccountFactory(name="Checking", opening_balance=Decimal("100.00"))
    income(account, "50.00", on=date(2025, 3, 1))
    expense(account, "20.25", on=date(2025, 3, 2))
    return account


def test_check_passes_on_a_consistent_ledger(ledger):
    status, out, _ = run("--check")
    assert status == 0
    assert "All balances and monthly totals match" in out


def test_check_finds_a_corrupted_balance_and_repair_fixes_it(ledger):
    other = AccountFactory(opening_balance=Decimal("5.00"))
    corrupt_balance(ledger, "999.99")
    status, out, _ = run("--check")
    assert status == 1
    assert f"account {ledger.pk} “Checking”" in out
    assert "stored 999.99 USD, ledger 129.75 USD" in out
    assert f"account {other.pk} " not in out
    assert Account.objects.get(pk=ledger.pk).balance == Decimal("999.99")  # --check changes nothing

    status, out, _ = run()
    assert status == 0
    assert "repaired account" in out and "now 129.75 USD" in out
    assert Account.objects.get(pk=ledger.pk).balance == Decimal("129.75")
    assert run("--check")[0] == 0


def test_check_finds_corrupted_or_missing_monthly_totals_and_repair_rebuilds_them(ledger):
    corrupt_monthly_total(ledger, "1.00")
    MonthlyTotal.objects.filter(account=ledger, kind="income").delete()
    # And a bucket no row backs.
    MonthlyTotal.objects.create(owner=ledger.owner, account=ledger, category_id=MonthlyTotal.objects.get(
        account=ledger).category_id, month=date(2024, 1, 1), kind="expense", total=Decimal("3.00"), count=1)
    status, out, _ = run("--check")
    assert status == 1
    assert "2025-03 expense: stored 1.00 (1 entries), ledger 20.25 (1 entries)" in out
    assert "2025-03 income: stored 0 (0 entries), ledger 50.00 (1 entries)" in out
    assert "2024-01 expense: stored 3.00 (1 entries), ledger 0 (0 entries)" in out

    status, out, _ = run()
    assert status == 0
    assert "Repaired 0 balance(s) and 3 monthly total(s)." in out
    buckets = sorted(MonthlyTotal.objects.filter(account=ledger).values_list("month", "kind", "total", "count"))
    assert buckets == [(date(2025, 3, 1), "expense", Decimal("20.25"), 1),
                       (date(2025, 3, 1), "income", Decimal("50.00"), 1)]
    assert run("--check")[0] == 0
    assert "Nothing to repair" in run()[1]


def test_repair_reports_a_ledger_it_cannot_apply(ledger):
    with connection.cursor() as cursor:  # the ledger itself says the account is overdrawn
        cursor.execute("UPDATE transactions_transaction SET amount = 500 WHERE account_id = %s AND kind = 'expense'",
                       [ledger.pk])
    status, _, err = run()
    assert status == 1
    assert "could not repair" in err and "accounts_balance_non_negative" in err
    with connection.cursor() as cursor:  # put it back for the after-test ledger check
        cursor.execute("UPDATE transactions_transaction SET amount = 20.25 WHERE account_id = %s AND kind = 'expense'",
                       [ledger.pk])
    assert run()[0] == 0  # the monthly total was rebuilt from the 500; rebuild it back


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_exit_status_of_the_real_command(ledger):
    """The same through a real `manage.py` process against the test database."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    env = {**os.environ, "DATABASE_URL": f"postgres://{quote(db['USER'] or '', safe='')}{password}@/{db['NAME']}",
           "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""),
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bankdash.settings.test")}
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "recalculate_balances"]

    def command(*args):
        return subprocess.run([*manage, *args], env=env, capture_output=True, text=True, timeout=60)

    assert command("--check").returncode == 0
    corrupt_balance(ledger, "0.01")
    corrupt_monthly_total(ledger, "2.00")
    checked = command("--check")
    assert checked.returncode == 1, checked.stderr
    assert "stored 0.01 USD, ledger 129.75 USD" in checked.stdout
    assert command().returncode == 0
    assert command("--check").returncode == 0
    assert Account.objects.get(pk=ledger.pk).balance == Decimal("129.75")
