"""The thresholds a customer sets on an account (apps.accounts.models.Account):

- ``low_balance_alert_below``: one ``low_balance`` alert each time the balance goes from at or
  above the threshold to below it. Staying below says nothing more; going back up and down
  again is a new crossing, told again.
- ``large_transaction_alert_above``: one ``large_transaction`` alert per ledger entry of more
  than the threshold, money out or money in: expenses, income, each leg of a transfer on its own
  account, and staff corrections (not an opening balance). An edit that changes an entry's
  amount or account is checked again; the entry is still told at most once.
- ``goal_amount`` (a savings goal): one ``goal_reached`` alert when the balance goes from below
  the goal to at or above it, once per goal (a goal set again at another amount is a new goal).

When it runs
------------
``ledger_changed`` is sent by every ledger service inside its transaction, after the balances
moved and while the touched accounts are locked (``SELECT ... FOR UPDATE``): the receiver below
compares each touched account's balance with the balance before the batch (the balance minus
the batch's net effect, from the ``LedgerChange`` states), so two postings on one account are
judged one after the other and a crossing is seen by exactly one of them. The alert commits or
rolls back with the money.

Once per occurrence
-------------------
``Alert.dedupe_key`` is unique: ``large_transaction:<entry id>`` and
``low_balance:<account id>:<crossing number>`` (the account's earlier crossings plus one, read
under the account's lock) and ``goal_reached:<account id>:<goal amount>``, so the insert
(``ignore_conflicts``) is the last guard.

Cost: one query for a batch that touches no account with a threshold; one more per batch that
crosses a low-balance threshold; plus ``alerts_raise`` when there is something to tell. Never
one per entry.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.accounts.models import Account
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alerts_raise
from apps.core import formats
from apps.core.money import format_money
from apps.transactions.models import Transaction

ALERT_MAX_LENGTH = Alert._meta.get_field("message").max_length
# Every kind but the opening balance, which is how an account starts, not a movement to report.
LARGE_KINDS = frozenset(Transaction.Kind.values) - {Transaction.Kind.OPENING}
LOW_BALANCE_PREFIX = "low_balance:"
# The kind of entry inside an alert's sentence ("… (expense): more than …"): lower case in English,
# as a German noun is written in German.
KIND_IN_SENTENCE = {
    Transaction.Kind.INCOME: pgettext_lazy("kind of entry in an alert's sentence", "income"),
    Transaction.Kind.EXPENSE: pgettext_lazy("kind of entry in an alert's sentence", "expense"),
    Transaction.Kind.TRANSFER_IN: pgettext_lazy("kind of entry in an alert's sentence", "transfer in"),
    Transaction.Kind.TRANSFER_OUT: pgettext_lazy("kind of entry in an alert's sentence", "transfer out"),
    Transaction.Kind.ADJUSTMENT_IN: pgettext_lazy("kind of entry in an alert's sentence", "correction (credit)"),
    Transaction.Kind.ADJUSTMENT_OUT: pgettext_lazy("kind of entry in an alert's sentence", "correction (debit)"),
}


def _signed(change) -> Decimal:
    return change.amount if change.kind in Transaction.CREDIT_KINDS else -change.amount


def _batch_effects(changes) -> tuple[dict[int, Decimal], list]:
    """The batch's net effect on each account's balance, and the row states that may be large
    entries: created rows, and edited rows whose amount or account changed. An edit sends the
    row's old state, then its new one (apps.transactions.services)."""
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    candidates, before = [], {}
    for change in changes:
        if change.account_id is None:  # no money moved (a category merge)
            continue
        if change.action == "created":
            deltas[change.account_id] += _signed(change)
            candidates.append(change)
        elif change.action == "deleted":
            deltas[change.account_id] -= _signed(change)
        elif change.transaction_id not in before:  # an edit's old state
            before[change.transaction_id] = change
            deltas[change.account_id] -= _signed(change)
        else:  # an edit's new state
            deltas[change.account_id] += _signed(change)
            old = before[change.transaction_id]
            if (old.amount, old.account_id) != (change.amount, change.account_id):
                candidates.append(change)
    return deltas, [c for c in candidates if c.kind in LARGE_KINDS]


def low_balance_message(account: Account) -> str:
    """In the active language and formats: call it inside ``formats.for_user(owner)``."""
    currency = account.currency
    return _("The balance of “%(account)s” is %(balance)s, below the %(threshold)s you asked to be alerted at.") % {
        "account": account.name, "balance": format_money(account.balance, currency),
        "threshold": format_money(account.low_balance_alert_below, currency)}


def large_transaction_message(account: Account, change) -> str:
    """In the active language and formats: call it inside ``formats.for_user(owner)``."""
    currency = account.currency
    what = KIND_IN_SENTENCE.get(change.kind) or Transaction.Kind(change.kind).label.lower()
    values = {"amount": format_money(change.amount, currency), "account": account.name, "what": what,
              "threshold": format_money(account.large_transaction_alert_above, currency)}
    if change.kind in Transaction.CREDIT_KINDS:
        return _("%(amount)s into “%(account)s” (%(what)s): more than the %(threshold)s you asked to be "
                 "alerted of.") % values
    return _("%(amount)s out of “%(account)s” (%(what)s): more than the %(threshold)s you asked to be "
             "alerted of.") % values


def goal_reached_message(account: Account) -> str:
    """In the active language and formats: call it inside ``formats.for_user(owner)``."""
    currency = account.currency
    return _("“%(account)s” holds %(balance)s: you reached your savings goal of %(goal)s.") % {
        "account": account.name, "balance": format_money(account.balance, currency),
        "goal": format_money(account.goal_amount, currency)}


def _next_crossings(*, user, account_ids) -> dict[int, int]:
    """The number the next low-balance crossing of each account gets: one more than the highest
    so far. One query; run under the accounts' locks, so two postings cannot take one number."""
    if not account_ids:
        return {}
    keys = (Alert.objects.filter(owner=user, kind=AlertKind.LOW_BALANCE)
            .filter(reduce(or_, [Q(dedupe_key__startswith=f"{LOW_BALANCE_PREFIX}{pk}:") for pk in account_ids]))
            .values_list("dedupe_key", flat=True))
    highest = dict.fromkeys(account_ids, 0)
    for key in keys:
        _prefix, account_id, number = key.split(":")
        highest[int(account_id)] = max(highest[int(account_id)], int(number))
    return {pk: number + 1 for pk, number in highest.items()}


def _watched(account: Account) -> bool:
    return (account.low_balance_alert_below is not None or account.large_transaction_alert_above is not None
            or account.goal_amount is not None)


def account_thresholds_check(*, user, changes, locked: dict[int, Account] | None = None,
                             split: bool = False) -> list[Alert]:
    """Alert ``user`` of the low-balance crossings and large entries of this ledger batch (see
    the module), inside the batch's transaction. ``locked``: the batch's account rows as it
    left them (``ledger_changed``'s ``accounts``), read again when it does not hold them all.
    ``split``: a payment shared out again over categories, whose parts are no new entries to
    tell of. Returns the alerts written."""
    deltas, candidates = _batch_effects(changes)
    if split:
        candidates = []
    if not deltas:
        return []
    rows = locked
    if rows is None or any(pk not in rows for pk in deltas):
        rows = {a.pk: a for a in Account.objects.filter(owner=user, pk__in=list(deltas))}
    accounts = {pk: rows[pk] for pk in deltas if pk in rows and _watched(rows[pk])}
    if not accounts:
        return []
    with formats.for_user(user):  # the texts are the owner's, whoever posted the entries
        alerts = _threshold_alerts(user=user, accounts=accounts, deltas=deltas, candidates=candidates)
    return alerts_raise(alerts, ignore_conflicts=True)


def _threshold_alerts(*, user, accounts: dict, deltas: dict, candidates: list) -> list[Alert]:
    alerts = []
    for change in candidates:
        account = accounts.get(change.account_id)
        if account and account.large_transaction_alert_above is not None \
                and change.amount > account.large_transaction_alert_above:
            alerts.append(Alert(owner=user, kind=AlertKind.LARGE_TRANSACTION,
                                dedupe_key=f"large_transaction:{change.transaction_id}",
                                message=large_transaction_message(account, change)[:ALERT_MAX_LENGTH]))
    crossed = [a for a in accounts.values() if a.low_balance_alert_below is not None
               and a.balance - deltas[a.pk] >= a.low_balance_alert_below > a.balance]
    numbers = _next_crossings(user=user, account_ids=sorted(a.pk for a in crossed))
    for account in crossed:
        alerts.append(Alert(owner=user, kind=AlertKind.LOW_BALANCE,
                            dedupe_key=f"{LOW_BALANCE_PREFIX}{account.pk}:{numbers[account.pk]}",
                            message=low_balance_message(account)[:ALERT_MAX_LENGTH]))
    for account in accounts.values():
        if account.goal_amount is not None and account.balance - deltas[account.pk] < account.goal_amount \
                <= account.balance:
            alerts.append(Alert(owner=user, kind=AlertKind.GOAL_REACHED,
                                dedupe_key=f"goal_reached:{account.pk}:{account.goal_amount}",
                                message=goal_reached_message(account)[:ALERT_MAX_LENGTH]))
    return alerts


def check_thresholds_on_ledger_change(sender, *, user, changes, accounts=None, split=False, **kwargs):
    account_thresholds_check(user=user, changes=changes, locked=accounts, split=split)


def connect() -> None:
    from apps.transactions.signals import ledger_changed

    ledger_changed.connect(check_thresholds_on_ledger_change, dispatch_uid="notifications.account_watch")
