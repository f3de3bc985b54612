from django.conf import settings
from django.db import models
from django.db.models import Q


class AlertQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class AlertKind(models.TextChoices):
    BUDGET_WARNING = "budget_warning", "Budget warning"
    BUDGET_EXCEEDED = "budget_exceeded", "Budget exceeded"
    SYSTEM = "system", "System"


class Alert(models.Model):
    Kind = AlertKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=500)
    # Lazy reference: budgets depends on alerts, never the other way round.
    budget = models.ForeignKey("budgets.Budget", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="alerts")
    period_start = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "read_at"], name="alerts_owner_read_idx")]
        constraints = [
            # A user is told once per budget, period and kind.
            models.UniqueConstraint(fields=["budget", "period_start", "kind"], name="alerts_once_per_budget_period"),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alerts_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="system") | (Q(budget__isnull=False) & Q(period_start__isnull=False)),
                name="alerts_budget_alerts_have_budget_and_period",
            ),
        ]

    def __str__(self):
        return self.message

    @property
    def is_read(self):
        return self.read_at is not None
