"""Writes of bills and recurring money.

How a date of a schedule becomes history
----------------------------------------
``RecurringItem.next_due_on`` is a cursor: every date of the schedule before it has a
stored ``Occurrence``; later dates are computed. ``_materialize`` stores the dates up to a
day (open, "upcoming", with the item's amount at that moment) and moves the cursor; it
runs under the item's row lock, and ``INSERT ... ON CONFLICT DO NOTHING`` on the unique
(item, due_on) key is the guard behind the lock.

Exactly once
------------
An open occurrence becomes paid, skipped or failed only with its row locked
(``SELECT ... FOR UPDATE``) and its state read again under that lock, in the same
database transaction as the ledger entry that pays it. Two runs of ``post_recurring`` at
the same moment therefore meet on one row (the unique key) and the second finds it
settled; a crash between storing a date and posting it leaves an open row that the next
run posts. Reminders are flagged on the row with a conditional UPDATE (``... WHERE
reminded_at IS NULL``) in the alert's transaction: however often they run, one alert per
occurrence.

Editing changes the future only
-------------------------------
Before a change, every past date of the old schedule is stored (so an unpaid one stays
overdue, with the amount it had). Then the schedule starts again on ``starts_on`` (today
or later; the edit form offers the next due date), with ``count`` counted from there.
Open stored dates from today on take the new amount, or go if the new schedule does not
have them; paid and skipped ones stay. Estimated bills with autopay post the expected
amount; the customer edits the entry if the real debit differs.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.alerts.models import Alert
from apps.alerts.services import alerts_raise
from apps.core import formats
from apps.core.dates import MAX_YEAR, user_today
from apps.core.formats import format_day
from apps.core.money import cents, format_amount, format_money
from apps.core.schedules import Schedule
from apps.transactions import services as ledger
from apps.transactions.models import Category, Transaction

from .detection import payee_key as normal_payee_key
from .models import (
    DEFAULT_REMIND_DAYS,
    MAX_COUNT,
    MAX_REMIND_DAYS,
    MONTH_DAY_FREQUENCIES,
    BillSuggestionDismissal,
    Frequency,
    Occurrence,
    OccurrenceState,
    RecurringItem,
    RecurringKind,
    SuggestionCadence,
    max_count_text,
)
from .signals import occurrence_paid, occurrence_unpaid

logger = logging.getLogger("bankdash.bills")

State = OccurrenceState
Kind = RecurringKind
# Dates one run stores or posts per item: a schedule left alone for years catches up over
# several runs instead of holding one transaction for minutes.
MAX_DATES_PER_RUN = 366
ALERT_MAX_LENGTH = Alert._meta.get_field("message").max_length
REASON_MAX_LENGTH = Occurrence._meta.get_field("failure_reason").max_length


# ---------------------------------------------------------------------------
# Schedule helpers
# ---------------------------------------------------------------------------

def dates_from(schedule: Schedule, start: date) -> Iterator[date]:
    """The schedule's dates on or after ``start``, in order."""
    return itertools.dropwhile(lambda day: day < start, schedule)


def _lock_item(*, user, item_id) -> RecurringItem:
    """The user's active item, locked; another customer's id is 'not found'."""
    item = (RecurringItem.objects.select_for_update(of=("self",)).select_related("owner")
            .filter(owner=user, pk=item_id, is_active=True).first())
    if item is None:
        raise RecurringItem.DoesNotExist("No such bill.")
    return item


def _next_free_date(item: RecurringItem, start: date | None) -> date | None:
    """The first date of the schedule on or after ``start`` with no stored occurrence."""
    if start is None:
        return None
    stored = set(Occurrence.objects.filter(item=item, due_on__gte=start).values_list("due_on", flat=True))
    for day in itertools.islice(dates_from(item.schedule(), start), len(stored) + 1):
        if day not in stored:
            return day
    return None


def _materialize(item: RecurringItem, *, through: date, limit: int = MAX_DATES_PER_RUN) -> int:
    """Store an open occurrence for each date from the cursor through ``through`` (at most
    ``limit``) and move the cursor past them. The item must be locked by the caller."""
    if item.next_due_on is None or item.next_due_on > through:
        return 0
    days = []
    following = None
    for day in dates_from(item.schedule(), item.next_due_on):
        if day > through or len(days) == limit:
            following = day
            break
        days.append(day)
    Occurrence.objects.bulk_create(
        [Occurrence(item=item, due_on=day, amount=item.amount) for day in days], ignore_conflicts=True,
    )
    item.next_due_on = _next_free_date(item, following)
    RecurringItem.objects.filter(pk=item.pk).update(next_due_on=item.next_due_on)
    return len(days)


def _open_occurrence(item: RecurringItem, due_on: date) -> Occurrence:
    """The open occurrence of ``item`` on ``due_on``, stored if it was not yet, and locked."""
    occurrence = Occurrence.objects.select_for_update().filter(item=item, due_on=due_on).first()
    if occurrence is None:
        if item.next_due_on is None or due_on < item.next_due_on or \
                due_on not in itertools.takewhile(lambda d: d <= due_on, dates_from(item.schedule(), item.next_due_on)):
            raise ValidationError({"due_on": _("“%(name)s” has no payment due on %(day)s.")
                                   % {"name": item.name, "day": format_day(due_on)}})
        _materialize(item, through=due_on, limit=MAX_DATES_PER_RUN)
        occurrence = Occurrence.objects.select_for_update().filter(item=item, due_on=due_on).first()
        if occurrence is None:  # more than a year of dates ahead of it
            raise ValidationError({"due_on": _("%(day)s is too far ahead: choose a nearer payment.")
                                   % {"day": format_day(due_on)}})
    if not occurrence.is_open:
        raise ValidationError(_("The payment of “%(name)s” due on %(day)s is already %(state)s.")
                              % {"name": item.name, "day": format_day(due_on),
                                 "state": occurrence.get_state_display().lower()})
    return occurrence


# ---------------------------------------------------------------------------
# Items: create, edit, pause, resume, delete
# ---------------------------------------------------------------------------

def _owned_open_account(*, user, account_id, field: str) -> Account:
    account = Account.objects.filter(owner=user, pk=account_id).first() if account_id else None
    if account is None:
        raise ValidationError({field: _("Choose one of your accounts.")})
    if account.is_closed:
        raise ValidationError({field: _("The account “%(name)s” is closed: choose an open one.")
                               % {"name": account.name}})
    return account


def _clean_amounts(*, kind, amount, amount_min, amount_max) -> dict:
    amount = cents(amount)
    if amount_min is None and amount_max is None:
        return {"amount": amount, "amount_min": None, "amount_max": None}
    if kind != Kind.BILL:
        raise ValidationError({"amount_min": _("Only bills can have an estimated amount.")})
    if amount_min is None or amount_max is None:
        missing = "amount_min" if amount_min is None else "amount_max"
        raise ValidationError({missing: _("An estimated amount needs both the lowest and the highest amount "
                                          "(leave both empty for a fixed amount).")})
    amount_min, amount_max = cents(amount_min, field="amount_min"), cents(amount_max, field="amount_max")
    if not amount_min <= amount <= amount_max:
        raise ValidationError({"amount": _("The expected amount is between the lowest (%(low)s) and the "
                                           "highest (%(high)s).")
                               % {"low": format_amount(amount_min), "high": format_amount(amount_max)}})
    return {"amount": amount, "amount_min": amount_min, "amount_max": amount_max}


def _clean_schedule(*, frequency, starts_on, day, second_day, until, count, today) -> dict:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose how often it repeats.")})
    if starts_on is None:
        raise ValidationError({"starts_on": _("Enter the date of the first payment.")})
    if starts_on < today:
        raise ValidationError({"starts_on": _("Choose today (%(day)s) or a later date: a schedule applies from "
                                              "today on.") % {"day": format_day(today)}})
    if starts_on.year > MAX_YEAR - 1:
        raise ValidationError({"starts_on": _("Choose a date in the next few years.")})
    if frequency in MONTH_DAY_FREQUENCIES:
        day = starts_on.day if day is None else int(day)
        if not 1 <= day <= 31:
            raise ValidationError({"day": _("Choose a day of the month between 1 and 31.")})
    else:
        day = None
    if frequency == Frequency.SEMIMONTHLY:
        if second_day is None or not 1 <= int(second_day) <= 31:
            raise ValidationError({"second_day": _("Twice a month needs its second day of the month (1 to 31).")})
        if int(second_day) == day:
            raise ValidationError({"second_day": _("Choose a second day different from the first.")})
        second_day = int(second_day)
    else:
        second_day = None
    if until is not None and until < starts_on:
        raise ValidationError({"until": _("The end date is before the first payment.")})
    if count is not None and not 1 <= int(count) <= MAX_COUNT:
        raise ValidationError({"count": _("Choose between 1 and %(max)s payments, or leave it empty.")
                               % {"max": max_count_text()}})
    fields = {"frequency": frequency, "anchor": starts_on, "day": day, "second_day": second_day, "until": until,
              "count": None if count is None else int(count)}
    schedule = Schedule(frequency, starts_on, day=day, second_day=second_day, until=until, count=fields["count"])
    first = schedule.next_on_or_after(starts_on)
    if first is None:
        raise ValidationError({"until": _("No payment falls between the first date and the end date.")})
    return {**fields, "first": first}


def _clean(*, user, kind, name, amount, amount_min, amount_max, account_id, to_account_id, category,
           autopay, remind_days) -> dict:
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a bill, an income or a transfer.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter who is paid (the payee).") if kind == Kind.BILL
                               else _("Enter a name.")})
    if len(name) > RecurringItem._meta.get_field("name").max_length:
        raise ValidationError({"name": _("Keep the name to 100 characters.")})
    fields = {"kind": kind, "name": name,
              **_clean_amounts(kind=kind, amount=amount, amount_min=amount_min, amount_max=amount_max)}
    account = _owned_open_account(user=user, account_id=account_id, field="account")
    fields.update(account=account, currency=account.currency)
    if kind == Kind.TRANSFER:
        target = _owned_open_account(user=user, account_id=to_account_id, field="to_account")
        if target.pk == account.pk:
            raise ValidationError({"to_account": _("Choose two different accounts.")})
        if target.currency != account.currency:
            raise ValidationError({"to_account": _("Transfers need two accounts in the same currency "
                                                   "(%(first)s and %(second)s differ).")
                                   % {"first": account.currency, "second": target.currency}})
        fields.update(to_account=target, category=None)
    else:
        if category is None or not Category.objects.for_user(user).filter(pk=category.pk).exists():
            raise ValidationError({"category": _("Choose one of your categories.")})
        fields.update(to_account=None, category=category)
    fields["autopay"] = bool(autopay) if kind == Kind.BILL else True
    if kind == Kind.BILL and remind_days is not None:
        if not 0 <= int(remind_days) <= MAX_REMIND_DAYS:
            raise ValidationError({"remind_days": _("Choose between 0 and %(max)s days, or leave it empty for no "
                                                    "reminder.") % {"max": MAX_REMIND_DAYS}})
        fields["remind_days"] = int(remind_days)
    else:
        fields["remind_days"] = None
    return fields


@transaction.atomic
def recurring_create(*, user, kind: str = Kind.BILL, name: str, amount: Decimal, account_id: int,
                     frequency: str = Frequency.MONTHLY, starts_on: date, category: Category | None = None,
                     to_account_id: int | None = None, amount_min: Decimal | None = None,
                     amount_max: Decimal | None = None, day: int | None = None, second_day: int | None = None,
                     until: date | None = None, count: int | None = None, autopay: bool = False,
                     remind_days: int | None = DEFAULT_REMIND_DAYS) -> RecurringItem:
    """A new bill, income or transfer, repeating from ``starts_on`` (today or later)."""
    fields = _clean(user=user, kind=kind, name=name, amount=amount, amount_min=amount_min, amount_max=amount_max,
                    account_id=account_id, to_account_id=to_account_id, category=category, autopay=autopay,
                    remind_days=remind_days)
    schedule = _clean_schedule(frequency=frequency, starts_on=starts_on, day=day, second_day=second_day,
                               until=until, count=count, today=user_today(user))
    first = schedule.pop("first")
    return RecurringItem.objects.create(owner=user, next_due_on=first, **fields, **schedule)


@transaction.atomic
def recurring_update(*, user, item_id: int, name: str, amount: Decimal, account_id: int, frequency: str,
                     starts_on: date, category: Category | None = None, to_account_id: int | None = None,
                     amount_min: Decimal | None = None, amount_max: Decimal | None = None, day: int | None = None,
                     second_day: int | None = None, until: date | None = None, count: int | None = None,
                     autopay: bool = False, remind_days: int | None = DEFAULT_REMIND_DAYS) -> RecurringItem:
    """Change an item from ``starts_on`` (today or later) on; see "Editing changes the future
    only" above. Its kind never changes."""
    item = _lock_item(user=user, item_id=item_id)
    today = user_today(user)
    fields = _clean(user=user, kind=item.kind, name=name, amount=amount, amount_min=amount_min,
                    amount_max=amount_max, account_id=account_id, to_account_id=to_account_id, category=category,
                    autopay=autopay, remind_days=remind_days)
    if fields["currency"] != item.currency and item.occurrences.exists():
        raise ValidationError({"account": _("“%(name)s” is in %(currency)s: choose an account in %(currency)s, "
                                            "or create a new one for %(new)s.")
                               % {"name": item.name, "currency": item.currency, "new": fields["currency"]}})
    schedule = _clean_schedule(frequency=frequency, starts_on=starts_on, day=day, second_day=second_day,
                               until=until, count=count, today=today)
    schedule.pop("first")
    # The past keeps the old schedule and amounts: store its dates before anything changes.
    _materialize(item, through=today - timedelta(days=1))
    for name_, value in {**fields, **schedule}.items():
        setattr(item, name_, value)
    future_open = Occurrence.objects.filter(item=item, state=State.UPCOMING, due_on__gte=today)
    last = future_open.order_by("-due_on").values_list("due_on", flat=True).first()
    if last is not None:
        keep = set(itertools.takewhile(lambda d: d <= last, dates_from(item.schedule(), item.anchor)))
        future_open.exclude(due_on__in=keep).delete()
        future_open.update(amount=item.amount)
    item.next_due_on = _next_free_date(item, item.anchor)
    item.save()
    return item


@transaction.atomic
def recurring_pause(*, user, item_id: int) -> RecurringItem:
    """Stop posting, reminding and counting overdue payments until resumed."""
    item = _lock_item(user=user, item_id=item_id)
    if item.paused_on is None:
        item.paused_on = user_today(user)
        item.save(update_fields=["paused_on", "updated_at"])
    return item


@transaction.atomic
def recurring_resume(*, user, item_id: int) -> RecurringItem:
    """Start again: the dates that passed while it was paused are skipped, never posted late."""
    item = _lock_item(user=user, item_id=item_id)
    if item.paused_on is None:
        return item
    today = user_today(user)
    _materialize(item, through=today - timedelta(days=1))
    Occurrence.objects.filter(item=item, state=State.UPCOMING, due_on__gte=item.paused_on, due_on__lt=today).update(
        state=State.SKIPPED, settled_at=timezone.now(),
    )
    item.paused_on = None
    item.save(update_fields=["paused_on", "updated_at"])
    return item


@transaction.atomic
def recurring_delete(*, user, item_id: int) -> bool:
    """Delete an item. One with a history (paid, skipped or failed dates) is kept inactive,
    so that history stays; its open dates go. Returns whether the row was removed."""
    item = _lock_item(user=user, item_id=item_id)
    Occurrence.objects.filter(item=item, state=State.UPCOMING).delete()
    if Occurrence.objects.filter(item=item).exists():
        item.is_active = False
        item.save(update_fields=["is_active", "updated_at"])
        return False
    item.delete()
    return True


@transaction.atomic
def bill_suggestion_dismiss(*, user, payee_key: str, cadence: str) -> BillSuggestionDismissal:
    """The customer does not want this suggested bill (apps.bills.detection): that payee is
    not suggested again at that cadence. Dismissing twice changes nothing."""
    key = normal_payee_key(payee_key)
    if not key:
        raise ValidationError({"payee_key": _("Choose a suggested bill to dismiss.")})
    if cadence not in SuggestionCadence.values:
        raise ValidationError({"cadence": _("Choose a suggested bill to dismiss.")})
    return BillSuggestionDismissal.objects.get_or_create(owner=user, payee_key=key, cadence=cadence)[0]


# ---------------------------------------------------------------------------
# Occurrences: skip, mark paid
# ---------------------------------------------------------------------------

def _post_to_ledger(item: RecurringItem, *, amount: Decimal, occurred_on: date) -> Transaction:
    """The entry that pays one date, through the ledger services (locks, overdraft check,
    monthly totals, ``ledger_changed`` for budgets and the audit)."""
    common = {"user": item.owner, "amount": amount, "occurred_on": occurred_on, "description": item.name}
    if item.kind == Kind.TRANSFER:
        return ledger.transfer_create(from_account_id=item.account_id, to_account_id=item.to_account_id, **common)
    post = ledger.expense_post if item.kind == Kind.BILL else ledger.income_post
    return post(account_id=item.account_id, category=item.category, payee=item.name, **common)


def _settle(occurrence: Occurrence, *, state: str, **changes) -> Occurrence:
    occurrence.state = state
    occurrence.settled_at = timezone.now()
    for name, value in changes.items():
        setattr(occurrence, name, value)
    try:
        with transaction.atomic():
            occurrence.save()
    except IntegrityError as error:
        if "bills_occurrence_one_per_transaction" not in str(error):
            raise
        raise ValidationError({"transaction": _("That entry already pays another bill.")}) from None
    return occurrence


def _settle_paid(occurrence: Occurrence, *, item: RecurringItem, entry: Transaction) -> Occurrence:
    """Paid by ``entry``; ``occurrence_paid`` tells rewards, in this transaction."""
    occurrence = _settle(occurrence, state=State.PAID, transaction=entry, amount=entry.amount)
    occurrence.item = item
    occurrence_paid.send(sender=Occurrence, user=item.owner, occurrence=occurrence, paid_on=entry.occurred_on)
    return occurrence


@transaction.atomic
def occurrence_skip(*, user, item_id: int, due_on: date) -> Occurrence:
    """Skip one date (this month's bill is waived, a salary is not paid): nothing is posted."""
    item = _lock_item(user=user, item_id=item_id)
    return _settle(_open_occurrence(item, due_on), state=State.SKIPPED)


@transaction.atomic
def occurrence_mark_paid(*, user, item_id: int, due_on: date, transaction_id: int | None = None,
                         post: bool = False, amount: Decimal | None = None,
                         paid_on: date | None = None) -> Occurrence:
    """Mark one date paid: link an expense already in the ledger (``transaction_id``, a bill's
    only), or post the payment now (``post=True``; default: the expected amount, today),
    through the ledger service, which refuses an overdraft."""
    if (transaction_id is None) == (not post):
        raise ValidationError(_("Choose an entry to link, or post the payment."))
    item = _lock_item(user=user, item_id=item_id)
    occurrence = _open_occurrence(item, due_on)
    if transaction_id is not None:
        if item.kind != Kind.BILL:
            raise ValidationError({"transaction": _("Only a bill's payment can be linked to an expense.")})
        # Locked: a concurrent delete of this entry waits for us, then reopens the occurrence.
        entry = (Transaction.objects.select_for_update()
                 .filter(owner=user, pk=transaction_id, kind=Transaction.Kind.EXPENSE).first())
        if entry is None:
            raise ValidationError({"transaction": _("Choose one of your expenses.")})
        if Occurrence.objects.filter(transaction=entry).exists():
            raise ValidationError({"transaction": _("That expense already pays another bill.")})
    else:
        amount = occurrence.amount if amount is None else amount
        entry = _post_to_ledger(item, amount=cents(amount), occurred_on=paid_on or user_today(user))
    return _settle_paid(occurrence, item=item, entry=entry)


def occurrences_release_deleted(*, user, changes) -> int:
    """A ledger entry that paid an occurrence was deleted (``ledger_changed``, in the deleting
    transaction): a bill paid by hand is open again; an automatic payment counts as skipped
    (the customer removed it: the next run must not post it again). Returns how many."""
    deleted = {change.transaction_id for change in changes if change.action == "deleted"}
    if not deleted:
        return 0
    linked = list(Occurrence.objects.filter(item__owner=user, transaction_id__in=deleted)
                  .values_list("pk", "item__autopay", "item__kind"))
    if not linked:
        return 0
    automatic = [pk for pk, autopay, kind in linked if autopay or kind != Kind.BILL]
    by_hand = [pk for pk, autopay, kind in linked if not (autopay or kind != Kind.BILL)]
    Occurrence.objects.filter(pk__in=by_hand).update(state=State.UPCOMING, transaction=None, settled_at=None)
    Occurrence.objects.filter(pk__in=automatic).update(state=State.SKIPPED, transaction=None,
                                                       settled_at=timezone.now())
    occurrence_unpaid.send(sender=Occurrence, user=user, occurrence_ids=[pk for pk, _, _ in linked])
    return len(linked)


# ---------------------------------------------------------------------------
# post_recurring: automatic postings and reminders
# ---------------------------------------------------------------------------

@dataclass
class RunSummary:
    posted: list[Occurrence] = field(default_factory=list)
    failed: list[Occurrence] = field(default_factory=list)
    reminders: int = 0
    overdue_alerts: int = 0
    errors: int = 0


def _latest_today() -> date:
    """Today in the time zone furthest ahead (UTC+14): no customer's today is later."""
    return (timezone.now() + timedelta(hours=14)).date()


def _failure_message(item: RecurringItem, occurrence: Occurrence, reason: str) -> str:
    """The alert text, in the owner's language and formats (call it inside ``formats.for_user``)."""
    values = {"name": item.name, "amount": format_money(occurrence.amount, item.currency),
              "day": format_day(occurrence.due_on), "reason": reason}
    if item.kind == Kind.BILL:
        text = _("Autopay of %(name)s (%(amount)s) on %(day)s failed: %(reason)s") % values
    elif item.kind == Kind.INCOME:
        text = _("The automatic income %(name)s (%(amount)s) on %(day)s failed: %(reason)s") % values
    else:
        text = _("The automatic transfer %(name)s (%(amount)s) on %(day)s failed: %(reason)s") % values
    return text[:ALERT_MAX_LENGTH]


def _failure_reason(error: ValidationError) -> str:
    reason = " ".join(error.messages)
    # Sentence case after "failed:" ("not enough money in Checking"), unless it starts with a name;
    # English only (German capitalises its nouns).
    if reason[:1].isupper() and reason[1:2].islower() and (get_language() or "en").startswith("en"):
        reason = reason[0].lower() + reason[1:]
    return reason[:REASON_MAX_LENGTH]


def _post_one(*, item_id: int, occurrence_id: int, summary: RunSummary) -> None:
    """Post one open date of an automatic item in its own transaction: a refusal (not enough
    money, a closed account) is recorded as a failed occurrence with an alert."""
    with transaction.atomic():
        item = (RecurringItem.objects.select_for_update(of=("self",)).select_related("owner", "account")
                .filter(pk=item_id).first())
        if item is None or not item.is_active or item.is_paused or not item.is_automatic:
            return
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence_id)
        if occurrence.state != State.UPCOMING:
            return  # another run (or the customer) settled it first
        try:
            # In the owner's language: the ledger's refusal becomes the reason the customer reads.
            with formats.for_user(item.owner), transaction.atomic():  # a refused posting leaves nothing behind
                entry = _post_to_ledger(item, amount=occurrence.amount, occurred_on=occurrence.due_on)
        except ValidationError as error:
            with formats.for_user(item.owner):
                reason = _failure_reason(error)
                message = _failure_message(item, occurrence, reason)
            occurrence.item = item
            _settle(occurrence, state=State.FAILED, failure_reason=reason)
            alerts_raise([Alert(owner=item.owner, kind=Alert.Kind.AUTOPAY_FAILED, message=message)])
            summary.failed.append(occurrence)
            logger.info("recurring posting refused", extra={"occurrence_id": occurrence.pk, "reason": reason})
        else:
            _settle_paid(occurrence, item=item, entry=entry)
            summary.posted.append(occurrence)


def _post_item(*, item_id: int, today: date | None, summary: RunSummary) -> None:
    with transaction.atomic():
        item = (RecurringItem.objects.select_for_update(of=("self",)).select_related("owner")
                .filter(pk=item_id, is_active=True, paused_on__isnull=True).first())
        if item is None or not item.is_automatic:
            return
        day = today or user_today(item.owner)
        _materialize(item, through=day)
        due = list(Occurrence.objects.filter(item=item, state=State.UPCOMING, due_on__lte=day)
                   .order_by("due_on").values_list("pk", flat=True)[:MAX_DATES_PER_RUN])
    for occurrence_id in due:
        _post_one(item_id=item_id, occurrence_id=occurrence_id, summary=summary)


def _each_item(item_ids, work, summary: RunSummary) -> None:
    """Run ``work`` per item; an unexpected error is logged and counted, and the others go on."""
    for item_id in item_ids:
        try:
            work(item_id)
        except Exception:
            summary.errors += 1
            logger.exception("recurring item %s failed", item_id)


def recurring_post_due(*, today: date | None = None, summary: RunSummary | None = None) -> RunSummary:
    """Post every automatic item's dates up to today (each owner's today, unless ``today`` is
    given) that are not posted yet: one transaction per date. Safe to run at any moment and
    any number of times at once (see "Exactly once" above)."""
    summary = summary or RunSummary()
    horizon = today or _latest_today()
    open_due = Occurrence.objects.filter(item=OuterRef("pk"), state=State.UPCOMING, due_on__lte=horizon)
    items = (RecurringItem.objects.filter(is_active=True, paused_on__isnull=True)
             .filter(Q(autopay=True) | ~Q(kind=Kind.BILL))
             .filter(Q(next_due_on__lte=horizon) | Exists(open_due))
             .order_by("pk").values_list("pk", flat=True))
    _each_item(list(items), lambda pk: _post_item(item_id=pk, today=today, summary=summary), summary)
    return summary


def _reminder_message(item: RecurringItem, occurrence: Occurrence, today: date) -> str:
    """The alert text, in the owner's language and formats (whoever runs the reminders)."""
    with formats.for_user(item.owner):
        days = (occurrence.due_on - today).days
        if days == 0:
            when = _("today")
        elif days == 1:
            when = _("tomorrow")
        else:
            when = ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
        values = {"name": item.name, "day": format_day(occurrence.due_on), "when": when,
                  "account": item.account.name,
                  "amount": item.amount_text if item.is_estimated else format_money(occurrence.amount, item.currency)}
        if item.autopay:
            text = _("%(name)s (%(amount)s) will be paid automatically from %(account)s on %(day)s "
                     "(%(when)s).") % values
        else:
            text = _("%(name)s (%(amount)s) is due on %(day)s (%(when)s).") % values
    return text[:ALERT_MAX_LENGTH]


def _overdue_message(item: RecurringItem, occurrence: Occurrence) -> str:
    """The alert text, in the owner's language and formats (whoever runs the reminders)."""
    with formats.for_user(item.owner):
        text = _("%(name)s (%(amount)s) was due on %(day)s and is not marked paid. Pay it, or mark it paid or "
                 "skipped on the Bills page.") % {"name": item.name, "day": format_day(occurrence.due_on),
                                                  "amount": format_money(occurrence.amount, item.currency)}
    return text[:ALERT_MAX_LENGTH]


def _flag_once(occurrence: Occurrence, flag: str) -> bool:
    """Set ``flag`` (a timestamp) if it is still empty; True for the one call that set it."""
    return bool(Occurrence.objects.filter(pk=occurrence.pk, **{f"{flag}__isnull": True})
                .update(**{flag: timezone.now()}))


def _remind_item(*, item_id: int, today: date | None, summary: RunSummary) -> None:
    with transaction.atomic():
        item = (RecurringItem.objects.select_for_update(of=("self",)).select_related("owner", "account")
                .filter(pk=item_id, is_active=True, paused_on__isnull=True, kind=Kind.BILL).first())
        if item is None:
            return
        day = today or user_today(item.owner)
        horizon = day + timedelta(days=item.remind_days or 0) if item.remind_days is not None else day
        _materialize(item, through=horizon)
        alerts = []
        if item.remind_days is not None:
            upcoming = Occurrence.objects.filter(item=item, state=State.UPCOMING, reminded_at__isnull=True,
                                                 due_on__gte=day, due_on__lte=horizon).order_by("due_on")
            for occurrence in upcoming:
                if _flag_once(occurrence, "reminded_at"):
                    alerts.append(Alert(owner=item.owner, kind=Alert.Kind.BILL_REMINDER,
                                        message=_reminder_message(item, occurrence, day)))
                    summary.reminders += 1
        if not item.autopay:
            overdue = Occurrence.objects.filter(item=item, state=State.UPCOMING, overdue_alerted_at__isnull=True,
                                                due_on__lt=day).order_by("due_on")
            for occurrence in overdue:
                if _flag_once(occurrence, "overdue_alerted_at"):
                    alerts.append(Alert(owner=item.owner, kind=Alert.Kind.BILL_OVERDUE,
                                        message=_overdue_message(item, occurrence)))
                    summary.overdue_alerts += 1
        alerts_raise(alerts)


def bill_reminders_send(*, today: date | None = None, summary: RunSummary | None = None) -> RunSummary:
    """For every active bill: an alert ``remind_days`` before each date (the bill is due
    soon, or will be paid automatically), and for bills paid by hand an alert once a date
    has passed unpaid. Once per occurrence, however often it runs."""
    summary = summary or RunSummary()
    horizon = today or _latest_today()
    waiting = Occurrence.objects.filter(item=OuterRef("pk"), state=State.UPCOMING).filter(
        Q(reminded_at__isnull=True, due_on__lte=horizon + timedelta(days=MAX_REMIND_DAYS))
        | Q(overdue_alerted_at__isnull=True, due_on__lt=horizon, item__autopay=False)
    )
    items = (RecurringItem.objects.filter(is_active=True, paused_on__isnull=True, kind=Kind.BILL)
             .filter(Q(next_due_on__lte=horizon + timedelta(days=MAX_REMIND_DAYS)) | Exists(waiting))
             .order_by("pk").values_list("pk", flat=True))
    _each_item(list(items), lambda pk: _remind_item(item_id=pk, today=today, summary=summary), summary)
    return summary
