import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from tests.factories import AlertFactory, UserFactory
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_empty_state(logged_in):
    response = logged_in.get(reverse("alerts:list"))
    assert response.status_code == 200
    assert "No alerts yet." in response.content.decode()


def test_list_shows_unread_first_then_newest_and_only_mine(logged_in, user):
    now = timezone.now()
    old_unread = AlertFactory(owner=user, message="old unread")
    AlertFactory(owner=user, message="new read", read_at=now)
    AlertFactory(owner=user, message="new unread")
    old_read = AlertFactory(owner=user, message="old read", read_at=now)
    Alert.objects.filter(pk__in=[old_unread.pk, old_read.pk]).update(created_at=now - timezone.timedelta(days=2))
    AlertFactory(message="someone else's")
    response = logged_in.get(reverse("alerts:list"))
    assert [a.message for a in response.context["alerts"]] == ["new unread", "old unread", "new read", "old read"]
    assert "someone else" not in response.content.decode()


def test_list_is_paginated(logged_in, user):
    AlertFactory.create_batch(25, owner=user)
    first = logged_in.get(reverse("alerts:list"))
    assert len(first.context["alerts"]) == 20
    assert "Page 1 of 2" in first.content.decode()
    assert len(logged_in.get(reverse("alerts:list"), {"page": 2}).context["alerts"]) == 5


def test_mark_read(logged_in, user):
    alert = AlertFactory(owner=user)
    response = logged_in.post(reverse("alerts:read", args=[alert.pk]), {"page": "2"})
    assert response.status_code == 302 and response.url == reverse("alerts:list") + "?page=2"
    alert.refresh_from_db()
    assert alert.read_at is not None
    assert messages_of(response) == ["Alert marked as read."]
    again = logged_in.post(reverse("alerts:read", args=[alert.pk]), {"page": "//evil.example"})
    assert again.url == reverse("alerts:list")
    assert messages_of(again)[-1] == "That alert was already read."


def test_mark_read_needs_post(logged_in, user):
    alert = AlertFactory(owner=user)
    assert logged_in.get(reverse("alerts:read", args=[alert.pk])).status_code == 405
    alert.refresh_from_db()
    assert alert.read_at is None


def test_another_users_alert_is_404(logged_in):
    theirs = AlertFactory()
    assert logged_in.post(reverse("alerts:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(logged_in, user):
    AlertFactory.create_batch(3, owner=user)
    theirs = AlertFactory()
    response = logged_in.post(reverse("alerts:read_all"))
    assert response.status_code == 302
    assert messages_of(response) == ["Marked 3 alerts as read."]
    assert not Alert.objects.filter(owner=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert messages_of(logged_in.post(reverse("alerts:read_all")))[-1] == "You have no unread alerts."
    assert logged_in.get(reverse("alerts:read_all")).status_code == 405


def test_times_are_shown_in_the_users_time_zone(client):
    from datetime import UTC, datetime

    user = UserFactory(time_zone="Asia/Tokyo")
    alert = AlertFactory(owner=user)
    Alert.objects.filter(pk=alert.pk).update(created_at=datetime(2025, 12, 31, 20, 30, tzinfo=UTC))
    client.force_login(user)
    html = client.get(reverse("alerts:list")).content.decode()
    assert "Jan 1, 2026, 5:30 AM" in html


def test_each_alert_links_to_where_it_is_acted_on(logged_in, user):
    sign_in = AlertFactory(owner=user, kind=AlertKind.NEW_SIGN_IN, message="New sign-in")
    low = AlertFactory(owner=user, kind=AlertKind.FORECAST_LOW, message="Low ahead")
    hook = AlertFactory(owner=user, kind=AlertKind.WEBHOOK_DISABLED, message="Hook off")
    system = AlertFactory(owner=user, kind=AlertKind.SYSTEM, message="Maintenance")

    html = logged_in.get(reverse("alerts:list")).content.decode()

    def links(alert):
        item = html.split(f'id="alert-{alert.pk}"', 1)[1].split("</li>", 1)[0]
        return re.findall(r'<a href="([^"]+)">([^<]+)</a>', item)

    assert links(sign_in) == [("/settings/#sessions-heading", "Where you are signed in")]
    assert links(low) == [("/bills/calendar/", "Bills calendar")]
    assert links(hook) == [("/notifications/webhooks/", "Webhooks")]
    assert links(system) == []  # the alert says all there is

