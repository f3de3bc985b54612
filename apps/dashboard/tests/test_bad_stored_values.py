"""A time zone written around the form and the service (an old row, a shell session) does
not take the customer's dashboard down: it falls back to the site's zone."""

import pytest
from django.urls import reverse

from apps.users.models import User
from tests.factories import UserFactory, account

pytestmark = pytest.mark.django_db


def test_dashboard_and_overview_survive_a_time_zone_that_is_not_one(client, settings):
    user = UserFactory()
    account(user, opening="12.50")
    User.objects.filter(pk=user.pk).update(time_zone="Mars/Base")
    client.force_login(User.objects.get(pk=user.pk))
    page = client.get(reverse("dashboard:home"))
    assert page.status_code == 200
    assert 'data-amount="12.50"' in page.content.decode()
    overview = client.get(reverse("dashboard:overview"))
    assert overview.status_code == 200
    assert overview.json()["accounts"]["total_balance"] == 12.5
    assert client.get(reverse("transactions:expense")).status_code == 200
