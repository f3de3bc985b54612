import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.alerts.context_processors import unread_alerts
from tests.factories import AlertFactory, UserFactory

pytestmark = pytest.mark.django_db


def badge(html):
    match = re.search(r'id="alert-badge">(\d+)<', html)
    return int(match.group(1)) if match else None


def test_navbar_badge_counts_my_unread_alerts(client):
    user = UserFactory()
    AlertFactory.create_batch(3, owner=user)
    AlertFactory(owner=user, read_at=timezone.now())
    AlertFactory.create_batch(2)  # other users'
    client.force_login(user)
    assert badge(client.get(reverse("budgets:list")).content.decode()) == 3
    client.post(reverse("alerts:read_all"))
    assert badge(client.get(reverse("budgets:list")).content.decode()) is None


def test_badge_is_one_query(django_assert_num_queries):
    user = UserFactory()
    AlertFactory.create_batch(2, owner=user)
    request = RequestFactory().get("/")
    request.user = user
    context = unread_alerts(request)
    with django_assert_num_queries(1):
        assert context["unread_alert_count"] == 2
        assert str(context["unread_alert_count"]) == "2"  # evaluated once, when first used


def test_no_badge_for_anonymous():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread_alerts(request) == {}
