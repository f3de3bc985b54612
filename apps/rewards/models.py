"""Rewards: an append-only ledger of points. A customer's total is the sum of their entries;
nothing is ever changed or removed: a payment undone, or a staff removal, is a new entry
with negative points.

The rules hold in the database too (migration 0002): a trigger refuses UPDATE and DELETE;
another one, on INSERT, keeps each customer's total at zero or above and lets a bill's
reversal take back at most what that bill earned.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core import formats

# Points a bill paid on or before its due date earns, once per occurrence.
BILL_ON_TIME_POINTS = 20
MAX_STAFF_POINTS = 100_000


def format_points(value: int) -> str:
    """A number of points as the customer's locale writes it: ``1,250`` / ``1.250``."""
    return formats.format_count(value)


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class PointsKind(models.TextChoices):
    BILL_ON_TIME = "bill_on_time", _("Bill paid on time")
    BILL_ON_TIME_REVERSED = "bill_on_time_reversed", _("Bill payment undone")
    STAFF_GRANT = "staff_grant", _("Granted by staff")
    STAFF_REMOVAL = "staff_removal", _("Removed by staff")


EARNING_KINDS = (PointsKind.BILL_ON_TIME, PointsKind.STAFF_GRANT)
BILL_KINDS = (PointsKind.BILL_ON_TIME, PointsKind.BILL_ON_TIME_REVERSED)
STAFF_KINDS = (PointsKind.STAFF_GRANT, PointsKind.STAFF_REMOVAL)


class PointsEntry(models.Model):
    """One change of a customer's points: earned (> 0) or taken back (< 0), with its reason."""

    Kind = PointsKind

    # PROTECT: a customer with history is deactivated, never deleted.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_entries")
    points = models.IntegerField(help_text="Earned (positive) or taken back (negative); never zero.")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    # The bill's date that earned or lost the points. No database foreign key: a bill's open
    # date may be deleted later (the bill is edited or deleted), and this history must stay
    # (an ON DELETE action would be an UPDATE or DELETE here, which the trigger refuses).
    occurrence = models.ForeignKey("bills.Occurrence", null=True, blank=True, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="The staff member who granted or removed the points.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["owner", "-created_at", "-id"], name="rewards_entry_owner_time_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PointsKind.values), name="rewards_entry_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind__in=EARNING_KINDS) & Q(points__gt=0))
                | (~Q(kind__in=EARNING_KINDS) & Q(points__lt=0)),
                name="rewards_entry_points_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=BILL_KINDS) & Q(occurrence__isnull=False) & Q(actor__isnull=True))
                | (Q(kind__in=STAFF_KINDS) & Q(occurrence__isnull=True) & Q(actor__isnull=False)),
                name="rewards_entry_bill_has_occurrence_staff_has_actor",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="rewards_entry_reason_given"),
            # A bill's date earns once and is taken back at most once.
            models.UniqueConstraint(fields=["occurrence", "kind"], condition=Q(occurrence__isnull=False),
                                    name="rewards_entry_once_per_occurrence"),
        ]

    def __str__(self):
        return f"{self.points_text} points for {self.owner_id}: {self.get_kind_display()}"

    @property
    def points_text(self) -> str:
        """``+20`` or ``−20`` (a real minus sign, like amounts of money); thousands as the locale writes them."""
        text = format_points(abs(self.points))
        return f"+{text}" if self.points > 0 else f"\u2212{text}"
