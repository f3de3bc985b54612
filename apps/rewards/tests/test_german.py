"""A German customer (locale de-DE) sees the rewards page in German, and the reason a bill
paid on time earns points is written in German with a German date."""

import pytest
from django.urls import reverse

from apps.bills import services as bills
from apps.bills.tests.conftest import TODAY, make_bill
from apps.rewards import services
from apps.rewards.models import PointsEntry
from tests.factories import SupportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(client, german):
    """The test client, logged in as the German customer (the root conftest's ``german``)."""
    client.force_login(german)
    return client


def test_empty_rewards_page_in_german(german):
    page = german.get(reverse("rewards:list")).content.decode()
    assert "<h1 class=\"h3 mb-0\">Prämien</h1>" in page
    assert "Noch keine Punkte." in page and "Ihre Rechnungen ansehen" in page
    assert "um Ihre ersten 20 Punkte zu sammeln" in page


def test_bill_points_reason_and_page_in_german(german, user, checking):
    bill = make_bill(checking, name="Miete", amount="100.00")
    bills.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, post=True)
    services.points_adjust(actor=SupportFactory(), owner_id=user.pk, points=1500, reason="Entschädigung")
    entry = PointsEntry.objects.get(owner=user, kind=PointsEntry.Kind.BILL_ON_TIME)
    assert entry.reason == "Miete pünktlich bezahlt (fällig am 15.12.2025)"
    page = german.get(reverse("rewards:list")).content.decode()
    assert 'id="points-total">1.520<' in page
    assert "Ihre Punkte" in page and "Rechnung pünktlich bezahlt" in page and "Vom Kundenservice gutgeschrieben" in page
    assert "+1.500" in page and "+20" in page
    assert ">15.12.2025</time>" in page
