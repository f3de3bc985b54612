"""Low-balance alerts from the forecast (apps.bills.forecast): when an account's projected
balance goes below what its owner wants to keep, one ``forecast_low`` alert per occurrence
that takes it there ("Checking is projected to reach −120.00 USD on 3 Mar 2026, after Rent
(850.00 USD).").

Once per occurrence
-------------------
Each alert carries the key ``forecast:<account>:<due date>:<item>`` in ``Alert.dedupe_key``,
unique in the database: however often and however concurrently the check runs, an occurrence
is told once (a later dip caused by another date, or another bill, is another alert).

When it runs
------------
``post_recurring`` checks every customer with active items after posting, and every ledger
change checks its owner's accounts once the change is committed (``forecast_alerts_after_commit``,
from the ``ledger_changed`` receiver). After the commit, not inside the posting's transaction:
while a bill's payment is being posted, the entry is in the ledger but its occurrence is not yet
marked paid, and a check then would count the bill twice. The alert is derived from committed
data, so a check that fails costs nothing but a later alert (the next run finds it again).
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.alerts.services import alerts_raise
from apps.core import formats

from .forecast import ACTIVE_ITEMS_SQL, account_forecasts, crossing_message

logger = logging.getLogger("bankdash.bills")

# How far ahead a dip is told.
ALERT_DAYS = 30
ALERT_MAX_LENGTH = Alert._meta.get_field("message").max_length


def dedupe_key(*, account_id: int, due_on: date, item_id: int) -> str:
    return f"forecast:{account_id}:{due_on:%Y-%m-%d}:{item_id}"


def forecast_alerts_check(*, user, today: date | None = None) -> list[Alert]:
    """Alert ``user`` of each occurrence that takes one of their open accounts below its
    buffer in the next ALERT_DAYS days, once. Returns the alerts written. One query when the
    user has no active recurring item (the check after every posting of most customers);
    otherwise the accounts, the items and their occurrences, then, only with a dip to tell,
    the keys already told and the alerts, in a transaction of their own. The reads need none:
    under READ COMMITTED each statement reads its own snapshot inside a transaction too, and
    the unique key keeps an occurrence told once (issue 17: a BEGIN and a COMMIT around three
    reads were two of a posting's round trips)."""
    with connection.cursor() as cursor:
        cursor.execute(ACTIVE_ITEMS_SQL, [user.pk])
        if not cursor.fetchone()[0]:
            return []
    accounts = list(Account.objects.filter(owner=user, closed_on__isnull=True).order_by("pk"))
    candidates = {}
    for forecast in account_forecasts(user=user, accounts=accounts, days=ALERT_DAYS, today=today).values():
        for crossing in forecast.crossings():
            event = crossing.culprit
            key = dedupe_key(account_id=forecast.account.pk, due_on=event.due_on, item_id=event.item_id)
            if key in candidates:
                continue
            with formats.for_user(user):  # the owner's language, whoever runs the check
                message = crossing_message(forecast, crossing)[:ALERT_MAX_LENGTH]
            candidates[key] = Alert(owner=user, kind=Alert.Kind.FORECAST_LOW, dedupe_key=key, message=message)
    if not candidates:
        return []
    with transaction.atomic():
        told = set(Alert.objects.filter(dedupe_key__in=list(candidates)).values_list("dedupe_key", flat=True))
        new = [alert for key, alert in candidates.items() if key not in told]
        # A concurrent check may write the same key first: the unique index keeps one.
        return alerts_raise(new, ignore_conflicts=True)


def forecast_alerts_after_commit(*, user) -> None:
    """Check ``user``'s forecast once the current transaction commits (see the module)."""
    transaction.on_commit(partial(forecast_alerts_check, user=user), robust=True)


def forecast_alerts_send(*, today: date | None = None) -> tuple[int, int]:
    """Check every customer with an active, running recurring item (each in its own
    transaction; one failing is logged and the others go on). Returns (alerts, errors)."""
    users = (get_user_model().objects
             .filter(recurring_items__is_active=True, recurring_items__paused_on__isnull=True)
             .distinct().order_by("pk"))
    sent = errors = 0
    for user in users:
        try:
            sent += len(forecast_alerts_check(user=user, today=today))
        except Exception:
            errors += 1
            logger.exception("forecast alerts of user %s failed", user.pk)
    return sent, errors
