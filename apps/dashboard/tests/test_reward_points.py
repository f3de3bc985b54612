"""The dashboard shows the customer's reward points total (apps.rewards)."""

import pytest
from django.urls import reverse

from apps.rewards.services import points_adjust
from tests.factories import SupportFactory, UserFactory, account

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_points_total(client):
    customer, other = UserFactory(), UserFactory()
    account(customer, opening="10.00")  # past the new customer's first steps
    support = SupportFactory()
    points_adjust(actor=support, owner_id=customer.pk, points=25, reason="Goodwill for the outage")
    points_adjust(actor=support, owner_id=other.pk, points=99, reason="Someone else's points")
    points_adjust(actor=support, owner_id=customer.pk, points=-5, reason="Corrected the goodwill")
    client.force_login(customer)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert 'id="reward-points">20</a>' in page
    assert client.get(reverse("rewards:summary")).json() == {"total_points": 20}
