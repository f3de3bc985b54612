from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy

from apps.users.models import default_currency


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class AccountKind(models.TextChoices):
    CHECKING = "checking", gettext_lazy("Checking")
    SAVINGS = "savings", gettext_lazy("Savings")
    CASH = "cash", gettext_lazy("Cash")
    CREDIT_CARD = "credit_card", gettext_lazy("Credit card")


class Account(models.Model):
    """A customer's bank account. ``balance`` moves only through ledger entries
    (apps.transactions.services); it is never edited directly."""

    Kind = AccountKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accounts")
    name = models.CharField(max_length=100)
    institution = models.CharField("institution name", max_length=100, blank=True)
    # Only the last four digits are ever stored: nothing more to leak.
    number_last4 = models.CharField("account number (last 4 digits)", max_length=4, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHECKING)
    currency = models.CharField(max_length=3, default=default_currency)
    balance = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"), editable=False)
    credit_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"),
        help_text="Credit cards only: how far below zero the balance may go.",
    )
    # What the customer wants to keep in the account: the forecast (apps.bills.forecast) warns
    # when a projected balance goes below it, and "safe to spend" leaves it aside.
    # db_default: a row written around the ORM (raw SQL, an import) gets no buffer, not an error.
    forecast_buffer = models.DecimalField(
        "keep at least", max_digits=14, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00"),
        help_text="The forecast warns you before the balance is projected to go below this amount.",
    )
    # Alerts the customer asks for, in the account's currency (apps.notifications.account_watch):
    # told once each time the balance goes from at or above this amount to below it, and once
    # per entry (money in or out) of more than the other. Empty: no such alert.
    low_balance_alert_below = models.DecimalField(
        "alert when the balance goes below", max_digits=14, decimal_places=2, null=True, blank=True,
    )
    large_transaction_alert_above = models.DecimalField(
        "alert on a single entry above", max_digits=14, decimal_places=2, null=True, blank=True,
    )
    # The last day the customer found this balance agreeing with their bank's, and that balance
    # (apps.transactions.services.account_mark_checked): the account page says when entries on
    # or before that day have changed since.
    checked_on = models.DateField(null=True, blank=True)
    checked_balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # What the customer is saving up to in this account, and by when (optional): the account's
    # page says how far along they are, what it takes a month, and where their pace leads.
    goal_amount = models.DecimalField("savings goal", max_digits=14, decimal_places=2, null=True, blank=True)
    goal_on = models.DateField("savings goal date", null=True, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # An archived account is a closed one the customer no longer wants to see in lists and
    # menus; its history stays (statements, exports, the insights' past months).
    archived_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["owner", "closed_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AccountKind.values), name="accounts_kind_valid"),
            models.CheckConstraint(condition=Q(checked_on__isnull=True, checked_balance__isnull=True)
                                   | Q(checked_on__isnull=False, checked_balance__isnull=False),
                                   name="accounts_checked_balance_has_its_day"),
            models.CheckConstraint(condition=Q(goal_amount__isnull=True) | Q(goal_amount__gt=0),
                                   name="accounts_goal_positive"),
            models.CheckConstraint(condition=Q(goal_on__isnull=True) | Q(goal_amount__isnull=False),
                                   name="accounts_goal_date_has_its_goal"),
            models.CheckConstraint(condition=Q(goal_amount__isnull=True) | ~Q(kind="credit_card"),
                                   name="accounts_goal_not_on_credit_cards"),
            # Unique ignoring case: "Checking" and "checking" would be indistinguishable in a menu.
            models.UniqueConstraint(Lower("name"), "owner", name="accounts_name_unique_per_owner"),
            models.CheckConstraint(
                condition=Q(balance__gte=0) | Q(kind="credit_card"), name="accounts_balance_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=-F("credit_limit")), name="accounts_balance_within_credit_limit"
            ),
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="accounts_credit_limit_non_negative"),
            models.CheckConstraint(
                condition=Q(credit_limit=0) | Q(kind="credit_card"), name="accounts_credit_limit_credit_card_only"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="accounts_currency_iso4217"
            ),
            models.CheckConstraint(
                condition=Q(number_last4="") | Q(number_last4__regex=r"^[0-9]{4}$"), name="accounts_last4_digits"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(balance=0), name="accounts_closed_with_zero_balance"
            ),
            models.CheckConstraint(condition=Q(forecast_buffer__gte=0), name="accounts_forecast_buffer_non_negative"),
            models.CheckConstraint(condition=Q(archived_on__isnull=True) | Q(closed_on__isnull=False),
                                   name="accounts_archived_only_when_closed"),
            models.CheckConstraint(condition=Q(low_balance_alert_below__isnull=True)
                                   | Q(low_balance_alert_below__gte=0),
                                   name="accounts_low_balance_alert_non_negative"),
            models.CheckConstraint(condition=Q(large_transaction_alert_above__isnull=True)
                                   | Q(large_transaction_alert_above__gte=0),
                                   name="accounts_large_transaction_alert_non_negative"),
        ]

    def __str__(self):
        return f"{self.name} {self.masked_number}".strip()

    @property
    def masked_number(self):
        return f"•••• {self.number_last4}" if self.number_last4 else ""

    @property
    def is_closed(self):
        return self.closed_on is not None

    @property
    def is_archived(self):
        return self.archived_on is not None

    @property
    def goal_percent(self) -> int | None:
        """How far the balance is to the savings goal, in whole percent (0 to 100)."""
        if self.goal_amount is None:
            return None
        return max(0, min(100, int(self.balance * 100 // self.goal_amount)))

    @property
    def available(self):
        """What can still be spent: the balance plus any credit line."""
        return self.balance + self.credit_limit


class OnboardingProgress(models.Model):
    """What a customer chose about the dashboard's first-run checklist (open an account, add
    a transaction or import a statement, set a budget): the steps themselves are read from
    their data; only "hide this checklist" needs remembering."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboarding")
    checklist_dismissed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"onboarding of user {self.owner_id}"
