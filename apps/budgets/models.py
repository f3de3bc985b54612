from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class BudgetPeriod(models.TextChoices):
    WEEKLY = "weekly", gettext_lazy("Weekly")
    MONTHLY = "monthly", gettext_lazy("Monthly")
    QUARTERLY = "quarterly", gettext_lazy("Quarterly")
    YEARLY = "yearly", gettext_lazy("Yearly")


class Budget(models.Model):
    Period = BudgetPeriod

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budgets")
    category = models.ForeignKey("transactions.Category", on_delete=models.PROTECT, related_name="budgets")
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.MONTHLY)
    limit = models.DecimalField(max_digits=14, decimal_places=2)
    # The budget counts only expenses in this currency; services always pass it.
    currency = models.CharField(max_length=3)
    start_date = models.DateField(help_text=gettext_lazy("The first period starts on this day."))
    warning_percent = models.PositiveSmallIntegerField(
        gettext_lazy("early warning at (%)"), default=80,
        help_text=gettext_lazy("Warn when spending passes this share of the limit."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category__name", "period"]
        constraints = [
            models.CheckConstraint(condition=Q(limit__gt=0), name="budgets_limit_positive"),
            models.CheckConstraint(condition=Q(period__in=BudgetPeriod.values), name="budgets_period_valid"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="budgets_currency_iso4217"),
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1) & Q(warning_percent__lte=100), name="budgets_warning_percent_range"
            ),
            models.UniqueConstraint(
                fields=["owner", "category", "period", "currency"], condition=Q(is_active=True),
                name="budgets_one_active_per_category_period_currency",
            ),
        ]

    def __str__(self):
        return f"{self.category} {self.get_period_display().lower()} {self.limit}"

    @property
    def warning_amount(self) -> Decimal:
        return warning_amount(limit=self.limit, warning_percent=self.warning_percent)


def warning_amount(*, limit: Decimal, warning_percent: int) -> Decimal:
    """Where a budget's early warning starts: ``warning_percent`` of its limit, to the cent."""
    return (limit * warning_percent / Decimal(100)).quantize(Decimal("0.01"))
