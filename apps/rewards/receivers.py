"""Bills tell rewards when an occurrence is paid or unpaid (apps.bills.signals), inside the
paying transaction; each receiver is one call into services."""

from . import services


def award_points_on_bill_paid(sender, *, user, occurrence, paid_on, **kwargs):
    services.points_award_for_bill(user=user, occurrence=occurrence, paid_on=paid_on)


def reverse_points_on_bill_unpaid(sender, *, user, occurrence_ids, **kwargs):
    services.points_reverse_for_bill(user=user, occurrence_ids=occurrence_ids)
