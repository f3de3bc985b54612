"""Two ``manage.py post_recurring`` processes started at the same moment (as two cron hosts
or an overlapping minute would) post each date once: the unique (item, due_on) key and the
row lock under which an occurrence changes state decide, not timing."""

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from apps.alerts.models import Alert
from apps.bills.models import Occurrence
from apps.transactions.models import Transaction
from tests.factories import UserFactory, account
from tests.helpers import database_url

from .conftest import make_bill

REAL_CLOCK = True  # the processes run on the real clock: so does this module (see conftest)
ROOT = Path(settings.BASE_DIR)
ITEMS = 30
WEEKS = 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_at_once_post_each_date_exactly_once():
    today = timezone.localdate()
    start = today - timedelta(weeks=WEEKS - 1)  # WEEKS weekly dates up to today, all due
    user = UserFactory()
    checking = account(user, opening="100000.00", opened_on=start - timedelta(days=1))
    poor = account(user, "Poor", opening="0.00", opened_on=start - timedelta(days=1))
    with time_machine.travel(start, tick=False):  # a schedule starts today or later
        items = [make_bill(checking, name=f"Bill {i}", amount="1.00", autopay=True, frequency="weekly",
                           starts_on=start) for i in range(ITEMS)]
        failing = make_bill(poor, name="Too much", amount="5.00", autopay=True, frequency="weekly", starts_on=start)
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "bankdash.settings.test",
           "LOG_LEVEL": "ERROR", "BANKDASH_LOG_LEVEL": "ERROR"}
    runs = [subprocess.Popen([sys.executable, "manage.py", "post_recurring"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    assert Occurrence.objects.filter(item__in=items).count() == ITEMS * WEEKS
    assert Occurrence.objects.filter(item__in=items, state="paid").count() == ITEMS * WEEKS
    assert Transaction.objects.filter(owner=user, kind="expense").count() == ITEMS * WEEKS
    assert Occurrence.objects.filter(item=failing, state="failed").count() == WEEKS
    assert Alert.objects.filter(owner=user, kind="autopay_failed").count() == WEEKS
    checking.refresh_from_db()
    assert checking.balance == Decimal("100000.00") - ITEMS * WEEKS
    # Between them the two runs posted everything once: their summaries add up.
    posted = sum(int(out.split("Posted ", 1)[1].split(" ", 1)[0]) for out, _ in outputs)
    assert posted == ITEMS * WEEKS
