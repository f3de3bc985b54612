"""Bills and recurring money: a ``RecurringItem`` (a bill, an income, a transfer) repeats on a
schedule (apps.core.schedules); each of its dates is an ``Occurrence``.

An occurrence is stored as soon as something happens to it: a reminder was sent, it was
posted, paid, skipped or failed (and, when a schedule is edited, every past date). Later
dates are computed from the schedule. ``RecurringItem.next_due_on`` is the cursor between
the two: every date of the schedule before it has a stored occurrence. "Due" and "overdue"
are never stored: they are an open occurrence seen from the customer's today.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import formats, schedules
from apps.core.money import format_money
from apps.core.schedules import Schedule

DEFAULT_REMIND_DAYS = 3
MAX_REMIND_DAYS = 60
MAX_COUNT = 1000


def max_count_text() -> str:
    """MAX_COUNT as the customer's locale writes it ("1,000", "1.000")."""
    return formats.format_count(MAX_COUNT)


# At module level so Meta.constraints can name them (a nested class is not in Meta's scope).
class RecurringKind(models.TextChoices):
    BILL = "bill", gettext_lazy("Bill")
    INCOME = "income", gettext_lazy("Income")
    TRANSFER = "transfer", gettext_lazy("Transfer")


class Frequency(models.TextChoices):
    WEEKLY = schedules.WEEKLY, schedules.FREQUENCIES[schedules.WEEKLY]
    BIWEEKLY = schedules.BIWEEKLY, schedules.FREQUENCIES[schedules.BIWEEKLY]
    SEMIMONTHLY = schedules.SEMIMONTHLY, schedules.FREQUENCIES[schedules.SEMIMONTHLY]
    MONTHLY = schedules.MONTHLY, schedules.FREQUENCIES[schedules.MONTHLY]
    QUARTERLY = schedules.QUARTERLY, schedules.FREQUENCIES[schedules.QUARTERLY]
    YEARLY = schedules.YEARLY, schedules.FREQUENCIES[schedules.YEARLY]


# Frequencies whose dates fall on a day of the month (the others repeat the first date's weekday).
MONTH_DAY_FREQUENCIES = (Frequency.SEMIMONTHLY, Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY)


class OccurrenceState(models.TextChoices):
    UPCOMING = "upcoming", gettext_lazy("Upcoming")
    DUE = "due", gettext_lazy("Due today")
    OVERDUE = "overdue", gettext_lazy("Overdue")
    PAID = "paid", gettext_lazy("Paid")
    SKIPPED = "skipped", gettext_lazy("Skipped")
    FAILED = "failed", gettext_lazy("Failed")


# What a stored row can be: "upcoming" is any open date (due and overdue are computed from today).
STORED_STATES = (OccurrenceState.UPCOMING, OccurrenceState.PAID, OccurrenceState.SKIPPED, OccurrenceState.FAILED)
# Still waiting to be paid: a failed autopay stays open until it is paid by hand or skipped.
OPEN_STATES = (OccurrenceState.UPCOMING, OccurrenceState.FAILED)


class RecurringItem(models.Model):
    """A bill (an expense), an income or a transfer between two of the owner's accounts that
    repeats. Bills are paid by hand ("mark paid") or automatically (``autopay``); income and
    transfers always post automatically, through the ledger services."""

    Kind = RecurringKind
    Frequency = Frequency

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recurring_items")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BILL)
    name = models.CharField("payee", max_length=100, help_text="Also the description of the entries it posts.")
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="The expected amount.")
    # Estimated bills (the amount changes every time): the range a payment is expected in.
    amount_min = models.DecimalField("lowest amount", max_digits=14, decimal_places=2, null=True, blank=True)
    amount_max = models.DecimalField("highest amount", max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, help_text="The account's currency.")
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="recurring_items")
    to_account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text="Transfers only: the account the money goes to.")
    category = models.ForeignKey("transactions.Category", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    # The schedule (apps.core.schedules.Schedule), counted from ``anchor``.
    frequency = models.CharField(max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    anchor = models.DateField("starts on")
    day = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Day of the month (clamped).")
    second_day = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Twice a month: the other day.")
    until = models.DateField("ends on", null=True, blank=True)
    count = models.PositiveIntegerField("number of payments", null=True, blank=True)
    autopay = models.BooleanField(default=False, help_text="Posted automatically on the due date.")
    remind_days = models.PositiveSmallIntegerField(
        null=True, blank=True, default=DEFAULT_REMIND_DAYS, help_text="Days before the due date; empty: no reminder.",
    )
    next_due_on = models.DateField(null=True, blank=True, editable=False,
                                   help_text="The first date with no stored occurrence; empty once the schedule ends.")
    paused_on = models.DateField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True, help_text="Deleted items with a history are kept, inactive.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["owner", "is_active"], name="bills_item_owner_active_idx"),
            models.Index(fields=["next_due_on"], condition=Q(is_active=True), name="bills_item_next_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RecurringKind.values), name="bills_item_kind_valid"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="bills_item_frequency_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bills_item_amount_positive"),
            models.CheckConstraint(
                condition=(Q(amount_min__isnull=True) & Q(amount_max__isnull=True))
                | (Q(kind=RecurringKind.BILL) & Q(amount_min__gt=0) & Q(amount_min__lte=F("amount"))
                   & Q(amount_max__gte=F("amount"))),
                name="bills_item_estimate_range",
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="bills_item_currency_iso4217"),
            models.CheckConstraint(
                condition=(Q(kind=RecurringKind.TRANSFER) & Q(to_account__isnull=False) & ~Q(to_account=F("account")))
                | (~Q(kind=RecurringKind.TRANSFER) & Q(to_account__isnull=True)),
                name="bills_item_to_account_for_transfers",
            ),
            models.CheckConstraint(
                condition=(Q(kind=RecurringKind.TRANSFER) & Q(category__isnull=True))
                | (~Q(kind=RecurringKind.TRANSFER) & Q(category__isnull=False)),
                name="bills_item_category_for_bills_and_income",
            ),
            # Income and transfers always post by themselves; only bills may wait for the customer.
            models.CheckConstraint(condition=Q(kind=RecurringKind.BILL) | Q(autopay=True),
                                   name="bills_item_autopay_unless_bill"),
            models.CheckConstraint(
                condition=(Q(day__isnull=True) | Q(day__gte=1, day__lte=31))
                & (Q(second_day__isnull=True) | Q(second_day__gte=1, second_day__lte=31)),
                name="bills_item_days_of_month",
            ),
            models.CheckConstraint(
                condition=(Q(frequency=Frequency.SEMIMONTHLY) & Q(second_day__isnull=False))
                | (~Q(frequency=Frequency.SEMIMONTHLY) & Q(second_day__isnull=True)),
                name="bills_item_second_day_twice_a_month",
            ),
            models.CheckConstraint(condition=Q(count__isnull=True) | Q(count__gte=1, count__lte=MAX_COUNT),
                                   name="bills_item_count_range"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=F("anchor")),
                                   name="bills_item_until_after_start"),
            models.CheckConstraint(
                condition=Q(remind_days__isnull=True) | Q(remind_days__lte=MAX_REMIND_DAYS),
                name="bills_item_remind_days_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()}, {self.get_frequency_display().lower()})"

    def schedule(self) -> Schedule:
        return Schedule(self.frequency, self.anchor, day=self.day, second_day=self.second_day, until=self.until,
                        count=self.count)

    @property
    def is_bill(self) -> bool:
        return self.kind == RecurringKind.BILL

    @property
    def is_estimated(self) -> bool:
        return self.amount_min is not None

    @property
    def is_automatic(self) -> bool:
        """Posted by ``post_recurring`` on the due date (autopay bills, income, transfers)."""
        return self.autopay or self.kind != RecurringKind.BILL

    @property
    def is_paused(self) -> bool:
        return self.paused_on is not None

    @property
    def amount_text(self) -> str:
        """``850.00 USD``, or ``about 120.00 USD (90.00–150.00)`` for an estimated bill."""
        if self.is_estimated:
            return _("about %(amount)s (%(low)s–%(high)s)") % {
                "amount": format_money(self.amount, self.currency), "low": format_money(self.amount_min),
                "high": format_money(self.amount_max)}
        return format_money(self.amount, self.currency)

    def amount_fits(self, amount: Decimal) -> bool:
        if self.is_estimated:
            return self.amount_min <= amount <= self.amount_max
        return amount == self.amount


class Occurrence(models.Model):
    """One date of a recurring item, stored once something happened to it. The unique
    (item, due_on) pair is what makes ``post_recurring`` post each date exactly once."""

    State = OccurrenceState

    item = models.ForeignKey(RecurringItem, on_delete=models.CASCADE, related_name="occurrences")
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2,
                                 help_text="Expected when open; what was paid once paid.")
    state = models.CharField(max_length=10, choices=[(s.value, s.label) for s in STORED_STATES],
                             default=OccurrenceState.UPCOMING)
    # The ledger entry that paid it (a transfer's outgoing leg). DO_NOTHING: deleting that entry
    # (apps.transactions.services.transaction_delete) sends ``ledger_changed`` and our receiver
    # reopens the occurrence in the same database transaction; PostgreSQL checks this foreign
    # key at commit (Django makes it DEFERRABLE INITIALLY DEFERRED), so nothing can leave a
    # paid occurrence pointing at a deleted entry.
    transaction = models.ForeignKey("transactions.Transaction", null=True, blank=True, on_delete=models.DO_NOTHING,
                                    related_name="+")
    failure_reason = models.CharField(max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True, help_text="When it was paid, skipped or failed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(state="upcoming"), name="bills_occurrence_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "due_on"], name="bills_occurrence_once_per_date"),
            models.UniqueConstraint(fields=["transaction"], name="bills_occurrence_one_per_transaction"),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in STORED_STATES]),
                                   name="bills_occurrence_state_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bills_occurrence_amount_positive"),
            models.CheckConstraint(
                condition=(Q(state=OccurrenceState.PAID) & Q(transaction__isnull=False))
                | (~Q(state=OccurrenceState.PAID) & Q(transaction__isnull=True)),
                name="bills_occurrence_paid_has_transaction",
            ),
            models.CheckConstraint(condition=~Q(state=OccurrenceState.FAILED) | ~Q(failure_reason=""),
                                   name="bills_occurrence_failure_has_reason"),
        ]

    def __str__(self):
        return f"{self.item.name} on {self.due_on:%Y-%m-%d} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def display_state(*, due_on: date, stored_state: str, today: date, automatic: bool) -> str:
    """What the customer sees: a settled state as stored, an open date seen from today. An
    automatic item's past date that is not posted yet is "due" (the next run posts it),
    never "overdue"."""
    if stored_state not in (OccurrenceState.UPCOMING, OccurrenceState.DUE, OccurrenceState.OVERDUE):
        return stored_state
    if due_on > today:
        return OccurrenceState.UPCOMING
    if due_on == today or automatic:
        return OccurrenceState.DUE
    return OccurrenceState.OVERDUE


class SuggestionCadence(models.TextChoices):
    """How often a suggested bill (apps.bills.detection) seems to repeat."""

    WEEKLY = Frequency.WEEKLY.value, gettext_lazy("Weekly")
    MONTHLY = Frequency.MONTHLY.value, gettext_lazy("Monthly")


class BillSuggestionDismissal(models.Model):
    """A suggested bill the customer dismissed: that payee at that cadence is not suggested
    again. ``payee_key`` is the payee's normal form (apps.bills.detection.payee_key)."""

    Cadence = SuggestionCadence

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    payee_key = models.CharField(max_length=255)
    cadence = models.CharField(max_length=10, choices=Cadence.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "payee_key", "cadence"], name="bills_dismissal_once"),
            models.CheckConstraint(condition=Q(cadence__in=SuggestionCadence.values),
                                   name="bills_dismissal_cadence_valid"),
            models.CheckConstraint(condition=~Q(payee_key=""), name="bills_dismissal_payee_given"),
        ]

    def __str__(self):
        return f"{self.payee_key} ({self.cadence}) dismissed by {self.owner_id}"
