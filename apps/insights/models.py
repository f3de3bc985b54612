from django.conf import settings
from django.db import models
from django.db.models import Q


class MerchantMonth(models.Model):
    """One customer's expenses of one month grouped per merchant, kept so that the merchant
    figures (the Insights page, ``GET /insights/top-merchants``) read a few rows instead of the
    month's ledger rows every time (apps.insights.merchants).

    The ledger's totals have no payee, so this is a cache of a grouped read, not a running
    total: ``totals`` is None until a read fills it, and every ledger change to an expense of
    the month sets it back to None and bumps ``generation`` in the ledger's own transaction
    (apps.insights.receivers). A read fills it only where the generation it read is still the
    row's, so a fill computed before a change commits never survives the change.
    """

    # Filled by the reads of the pages kept under the user's data version (apps.core.versions):
    # tracked, each fill would make the page that filled it stale at once. What empties it is a
    # ledger change, which is tracked.
    data_version_tracked = False

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    generation = models.IntegerField(default=0)
    # [[currency, upper-case payee ("" for none), payee as written, category id when no payee, "12.50"], ...]
    totals = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="insights_merchant_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="insights_merchant_month_first_day"),
        ]

    def __str__(self):
        return f"merchants of {self.month:%Y-%m} for user {self.owner_id}"
