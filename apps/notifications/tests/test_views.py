"""The settings page, the deliveries page and the unsubscribe pages."""

import pytest
from django.urls import reverse

from apps.alerts.services import system_alert_broadcast
from apps.notifications.models import Delivery, NotificationPreference, QuietHours
from apps.notifications.tokens import unsubscribe_token

from .conftest import dispatch_deferred

pytestmark = pytest.mark.usefixtures("frozen_now")


def test_the_settings_page_shows_the_grid_with_in_app_always_on(logged_in):
    response = logged_in.get(reverse("notifications:settings"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="budget_exceeded__email"' in html
    assert 'aria-label="Budget exceeded in the app (always on)"' in html
    # Email is on by default.
    assert 'name="budget_exceeded__email" id="id_budget_exceeded__email" value="on" checked' in html


def test_the_settings_page_saves_with_a_message(logged_in, user):
    response = logged_in.post(reverse("notifications:settings"), {
        "budget_exceeded__email": "on", "quiet_start": "22:00", "quiet_end": "07:00"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:settings")
    assert "Your notification settings are saved." in response.content.decode()
    assert NotificationPreference.objects.get(owner=user, kind="budget_exceeded", channel="email").enabled is True
    assert NotificationPreference.objects.get(owner=user, kind="budget_warning", channel="email").enabled is False
    quiet = QuietHours.objects.get(owner=user)
    assert (f"{quiet.start:%H:%M}", f"{quiet.end:%H:%M}") == ("22:00", "07:00")
    html = response.content.decode()
    assert 'value="22:00"' in html and 'value="07:00"' in html


@pytest.mark.parametrize("data, message", [
    ({"quiet_start": "22:00"}, "Give both the start and the end of the quiet hours, or neither."),
    ({"quiet_start": "25:99", "quiet_end": "07:00"}, "Enter a valid time."),
])
def test_bad_quiet_hours_are_a_clear_error_and_nothing_is_saved(logged_in, user, data, message):
    response = logged_in.post(reverse("notifications:settings"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NotificationPreference.objects.exists() and not QuietHours.objects.exists()


def test_the_deliveries_page_lists_only_the_users_own(logged_in, user, user_factory):
    other = user_factory()
    system_alert_broadcast(message="For me", users=[user])
    system_alert_broadcast(message="For someone else", users=[other])
    dispatch_deferred()
    mine = Delivery.objects.get(owner=user)
    Delivery.objects.filter(pk=mine.pk).update(last_error="SMTPServerDisconnected: gone", attempts=2)
    response = logged_in.get(reverse("notifications:deliveries"))
    html = response.content.decode()
    assert list(response.context["deliveries"]) == [mine]
    assert "For me" in html and "For someone else" not in html
    assert "Last error: SMTPServerDisconnected: gone" in html
    assert "2 attempts" in html


def test_the_deliveries_page_is_paginated_newest_first(logged_in, user):
    for n in range(30):
        system_alert_broadcast(message=f"Notice {n}", users=[user])
    dispatch_deferred()
    response = logged_in.get(reverse("notifications:deliveries"))
    messages = [d.alert.message for d in response.context["deliveries"]]
    assert messages[0] == "Notice 29" and len(messages) == 25
    assert "Page 1 of 2" in response.content.decode()


def test_an_unsubscribe_link_works_without_logging_in(client, user):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=user.pk, kind="bill_reminder",
                                                                       channel="email")])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop “Bill reminder” alerts by email?" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a GET (a mail scanner following links) changes nothing
    done = client.post(url)
    assert done.status_code == 200
    assert "will no longer get “Bill reminder” alerts by email" in done.content.decode()
    assert NotificationPreference.objects.get(owner=user, kind="bill_reminder", channel="email").enabled is False
    # The kind is off by email: a new alert of that kind is not emailed, other kinds still are.
    system_alert_broadcast(message="Still emailed", users=[user])
    dispatch_deferred()
    assert Delivery.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_unsubscribe_link_is_a_clear_400(client, user, method):
    token = unsubscribe_token(user_id=user.pk, kind="system", channel="email")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = getattr(client, method)(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_pages_need_a_login(client):
    for name in ("notifications:settings", "notifications:deliveries"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login" in response["Location"]
