from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AlertQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class AlertKind(models.TextChoices):
    BUDGET_WARNING = "budget_warning", _("Budget warning")
    BUDGET_EXCEEDED = "budget_exceeded", _("Budget exceeded")
    SYSTEM = "system", _("System")
    # Bills and recurring money (apps.bills): once per occurrence, deduplicated there.
    BILL_REMINDER = "bill_reminder", _("Bill reminder")
    BILL_OVERDUE = "bill_overdue", _("Bill overdue")
    AUTOPAY_FAILED = "autopay_failed", _("Automatic payment failed")
    # The forecast (apps.bills.forecast_alerts): once per occurrence that takes it below the buffer.
    FORECAST_LOW = "forecast_low", _("Low balance ahead")
    # Thresholds the customer sets on an account: once per occurrence (dedupe_key).
    LOW_BALANCE = "low_balance", _("Balance below threshold")
    LARGE_TRANSACTION = "large_transaction", _("Large transaction")
    # An account's savings goal reached: once per goal (apps.notifications.account_watch).
    GOAL_REACHED = "goal_reached", _("Savings goal reached")
    # Security: once per event.
    NEW_SIGN_IN = "new_sign_in", _("Sign-in from a new device")
    SECURITY_CHANGE = "security_change", _("Password or two-factor changed")
    # Sign-ins paused after too many failed attempts on the account: once per pause.
    ACCOUNT_LOCKED = "account_locked", _("Sign-ins paused after failed attempts")
    # A webhook turned off after repeated failures (apps.notifications).
    WEBHOOK_DISABLED = "webhook_disabled", _("Webhook turned off")


# The kinds that belong to a budget's period (and only those carry a budget).
BUDGET_KINDS = (AlertKind.BUDGET_WARNING, AlertKind.BUDGET_EXCEEDED)


class Alert(models.Model):
    Kind = AlertKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=500)
    # Lazy reference: budgets depends on alerts, never the other way round.
    budget = models.ForeignKey("budgets.Budget", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="alerts")
    period_start = models.DateField(null=True, blank=True)
    # What makes an alert "the same one" for the app that writes it (for example
    # "forecast:<account>:<due date>:<item>"): unique, so it is written once however often
    # and however concurrently the check runs. Empty for alerts deduplicated otherwise.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "read_at"], name="alerts_owner_read_idx")]
        constraints = [
            # A user is told once per budget, period and kind.
            models.UniqueConstraint(fields=["budget", "period_start", "kind"], name="alerts_once_per_budget_period"),
            models.UniqueConstraint(fields=["dedupe_key"], name="alerts_dedupe_key_unique"),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alerts_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind__in=BUDGET_KINDS) | (Q(budget__isnull=False) & Q(period_start__isnull=False)),
                name="alerts_budget_alerts_have_budget_and_period",
            ),
        ]

    def __str__(self):
        return self.message

    @property
    def is_read(self):
        return self.read_at is not None
