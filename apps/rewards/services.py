"""Writes of rewards. Points are never changed: each change is a new ``PointsEntry``.

Every write locks the customer's user row first (``FOR NO KEY UPDATE``: logins wait a moment,
inserts that reference the user do not), so the total read before writing is the total the
new entry is added to; the database's insert trigger takes the same lock and refuses a total
below zero, whoever writes.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from apps.bills.models import Occurrence, RecurringKind
from apps.core import formats

from .models import BILL_ON_TIME_POINTS, MAX_STAFF_POINTS, PointsEntry, PointsKind
from .selectors import points_total
from .signals import points_adjusted

Kind = PointsKind
REASON_MAX_LENGTH = PointsEntry._meta.get_field("reason").max_length
ADJUST_PERMISSION = "rewards.add_pointsentry"


def _lock_owner(user_id: int) -> None:
    list(get_user_model().objects.select_for_update(no_key=True).filter(pk=user_id).values_list("pk"))


@transaction.atomic
def points_award_for_bill(*, user, occurrence: Occurrence, paid_on: date) -> PointsEntry | None:
    """A bill paid on or before its due date (``paid_on``: the paying entry's date) earns
    BILL_ON_TIME_POINTS, once per occurrence: a date paid again after its payment was undone
    earns nothing more. Income and transfers earn nothing. Returns the entry, or None."""
    item = occurrence.item
    if item.owner_id != user.pk:
        raise ValidationError("That bill belongs to another customer.")
    if item.kind != RecurringKind.BILL or paid_on > occurrence.due_on:
        return None
    # The occurrence is locked by bills (paid in this transaction): this check cannot race.
    if PointsEntry.objects.filter(occurrence=occurrence, kind=Kind.BILL_ON_TIME).exists():
        return None
    _lock_owner(user.pk)
    with formats.for_user(user):  # the customer reads it on their rewards page, in their language
        reason = _("%(bill)s paid on time (due %(day)s)") % {"bill": item.name,
                                                              "day": formats.format_day(occurrence.due_on)}
    return PointsEntry.objects.create(owner=user, points=BILL_ON_TIME_POINTS, kind=Kind.BILL_ON_TIME,
                                      occurrence=occurrence, reason=reason[:REASON_MAX_LENGTH])


@transaction.atomic
def points_reverse_for_bill(*, user, occurrence_ids) -> list[PointsEntry]:
    """The payment of these occurrences was undone: take back what each earned, once. Never
    more than the customer has (staff may have removed points since): the total stays at
    zero or above, and a reversal with nothing left to take is not written."""
    occurrence_ids = list(occurrence_ids)
    if not occurrence_ids:
        return []
    # The occurrences were reopened in this transaction (their rows are locked): what they
    # earned cannot change under us; the total can, until the owner is locked.
    reversed_ = PointsEntry.objects.filter(occurrence=OuterRef("occurrence"), kind=Kind.BILL_ON_TIME_REVERSED)
    earned = list(PointsEntry.objects.filter(owner=user, kind=Kind.BILL_ON_TIME, occurrence_id__in=occurrence_ids)
                  .exclude(Exists(reversed_)).order_by("pk").values_list("occurrence_id", "points", "reason"))
    if not earned:
        return []
    _lock_owner(user.pk)
    total = points_total(user=user)
    entries = []
    with formats.for_user(user):
        undone = _("Payment undone: %(reason)s")
    for occurrence_id, points, reason in earned:
        taken = min(points, total)
        if taken <= 0:
            continue
        total -= taken
        entries.append(PointsEntry(owner=user, points=-taken, kind=Kind.BILL_ON_TIME_REVERSED,
                                   occurrence_id=occurrence_id,
                                   reason=(undone % {"reason": reason})[:REASON_MAX_LENGTH]))
    return PointsEntry.objects.bulk_create(entries)


@transaction.atomic
def points_adjust(*, actor, owner_id: int, points: int, reason: str) -> PointsEntry:
    """Staff grant (``points`` > 0) or remove (< 0) a customer's points, with a reason; never
    their own, never below zero. ``points_adjusted`` puts it in the audit trail, in this
    transaction."""
    if not (actor.is_active and actor.is_staff and actor.has_perm(ADJUST_PERMISSION)):
        raise PermissionDenied("Only staff allowed to adjust points can grant or remove them.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for this change."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason to {REASON_MAX_LENGTH} characters."})
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise ValidationError({"points": "Enter a whole number of points other than zero."})
    if abs(points) > MAX_STAFF_POINTS:
        raise ValidationError({"points": f"Change at most {MAX_STAFF_POINTS:,} points at a time."})
    owner = get_user_model().objects.filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner": "There is no such customer."})
    if owner.pk == actor.pk:
        raise PermissionDenied("Staff cannot change their own points.")
    _lock_owner(owner.pk)
    if points < 0:
        total = points_total(user=owner)
        if total + points < 0:
            raise ValidationError({"points": f"{owner.email} has {total:,} points: remove at most {total:,}."})
    entry = PointsEntry.objects.create(owner=owner, points=points, actor=actor, reason=reason,
                                       kind=Kind.STAFF_GRANT if points > 0 else Kind.STAFF_REMOVAL)
    points_adjusted.send(sender=PointsEntry, entry=entry, actor=actor)
    return entry
