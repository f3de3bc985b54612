"""Demo rewards: a welcome grant from the support agent, through the audited staff path
(bills the demo customer pays on time then earn 20 points each); running it again changes nothing."""

from django.db import transaction

from .models import PointsEntry
from .selectors import points_total
from .services import points_adjust

WELCOME_POINTS = 50


@transaction.atomic
def seed_rewards(customer, staff, stdout) -> None:
    if PointsEntry.objects.filter(owner=customer).exists():
        stdout.write(f"kept {points_total(user=customer)} reward points for {customer.email}")
        return
    points_adjust(actor=staff, owner_id=customer.pk, points=WELCOME_POINTS,
                  reason="Welcome bonus for setting up your bills")
    stdout.write(f"granted {WELCOME_POINTS} welcome points to {customer.email}")
