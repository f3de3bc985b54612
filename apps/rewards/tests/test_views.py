import json

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.rewards import services
from apps.rewards.models import PointsEntry
from tests.factories import AuditorFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = PointsEntry.Kind


@pytest.fixture
def staff():
    """Support staff: the role may view, grant and remove points (apps.users.roles)."""
    return SupportFactory()


def grant(staff, owner, points, reason="Goodwill gesture"):
    return services.points_adjust(actor=staff, owner_id=owner.pk, points=points, reason=reason)


# --- GET /rewards/summary ---------------------------------------------------------------------

def test_summary_answers_the_exact_total(logged_in, user, staff):
    grant(staff, user, 120)
    grant(staff, user, -35, reason="Partly taken back")
    grant(staff, UserFactory(), 999)  # another customer's points count for them only
    response = logged_in.get("/rewards/summary")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"total_points": 85}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_summary_is_zero_without_points(logged_in):
    assert json.loads(logged_in.get(reverse("rewards:summary")).content) == {"total_points": 0}


def test_summary_logged_out_is_401_json(client):
    response = client.get("/rewards/summary")
    assert response.status_code == 401 and response["Content-Type"] == "application/json"
    assert "error" in json.loads(response.content)


def test_summary_is_read_only(logged_in):
    response = logged_in.post("/rewards/summary")
    assert response.status_code == 405 and json.loads(response.content)["error"]


# --- /rewards/ ---------------------------------------------------------------------------------

def test_page_empty_state(logged_in):
    html = logged_in.get(reverse("rewards:list")).content.decode()
    assert "No points yet." in html and reverse("bills:list") in html


def test_page_lists_own_entries_newest_first(logged_in, user, staff):
    grant(staff, user, 50, reason="Welcome bonus points")
    grant(staff, user, -10, reason="Correction of the bonus")
    grant(staff, UserFactory(), 70, reason="Someone else's secret")
    html = logged_in.get(reverse("rewards:list")).content.decode()
    assert 'id="points-total">40<' in html
    assert html.index("Correction of the bonus") < html.index("Welcome bonus points")
    assert "+50" in html and "−10" in html
    assert "Someone else" not in html
    assert "style=" not in html.split("<main", 1)[1]  # the Content-Security-Policy forbids inline styles


def test_page_is_paginated_in_constant_queries(client, staff, django_assert_max_num_queries):
    user = UserFactory()
    for n in range(30):
        grant(staff, user, n + 1)
    client.force_login(user)
    client.get(reverse("rewards:list"))  # warm up
    with django_assert_max_num_queries(7):
        first = client.get(reverse("rewards:list")).content.decode()
    assert first.count('id="entry-') == 25 and "Page 1 of 2" in first
    second = client.get(reverse("rewards:list"), {"page": 2}).content.decode()
    assert second.count('id="entry-') == 5


def test_page_login_required(client):
    response = client.get(reverse("rewards:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- the admin ---------------------------------------------------------------------------------

def adjust_url():
    return reverse("admin:rewards_points_adjust")


def test_staff_grant_points_in_the_admin_with_a_reason(client, staff):
    customer = UserFactory()
    client.force_login(staff)
    listing = client.get(reverse("admin:rewards_pointsentry_changelist")).content.decode()
    assert adjust_url() in listing
    response = client.post(adjust_url(), {"email": customer.email.upper(), "change": "remove", "points": "5",
                                          "reason": "Testing a removal"}, follow=True)
    assert "has 0 points: remove at most 0" in response.content.decode()
    response = client.post(adjust_url(), {"email": customer.email, "change": "grant", "points": "25",
                                          "reason": "Sorry for the outage"}, follow=True)
    assert response.status_code == 200
    assert f"25 points granted to {customer.email}." in response.content.decode()
    entry = PointsEntry.objects.get(owner=customer)
    assert (entry.points, entry.kind, entry.actor, entry.reason) == (
        25, Kind.STAFF_GRANT, staff, "Sorry for the outage")
    event = AuditEvent.objects.get(action=AuditEvent.Action.POINTS_ADJUSTMENT)
    assert (event.actor, event.details["reason"], event.details["points"]) == (staff, "Sorry for the outage", 25)


@pytest.mark.parametrize(("data", "message"), [
    ({"reason": ""}, "This field is required."),
    ({"reason": "short"}, "at least 10 characters"),
    ({"points": "0"}, "greater than or equal to 1"),
    ({"email": "nobody@example.com"}, "There is no user with this email."),
])
def test_bad_adjustments_in_the_admin_write_nothing(client, staff, data, message):
    customer = UserFactory()
    client.force_login(staff)
    form = {"email": customer.email, "change": "grant", "points": "10", "reason": "A long enough reason", **data}
    response = client.post(adjust_url(), form)
    assert response.status_code == 200 and message in response.content.decode()
    assert not PointsEntry.objects.exists()


def test_entries_are_read_only_and_adjusting_needs_the_permission(client, staff):
    entry = grant(staff, UserFactory(), 10)
    for viewer in (AuditorFactory(), UserFactory(is_staff=True)):  # staff without the permission
        client.force_login(viewer)
        assert client.get(adjust_url()).status_code == 403
        assert client.post(adjust_url(), {"email": entry.owner.email, "change": "grant", "points": "10",
                                          "reason": "Sneaky grant attempt"}).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("admin:rewards_pointsentry_add")).status_code == 403
    assert client.post(reverse("admin:rewards_pointsentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    detail = client.get(reverse("admin:rewards_pointsentry_change", args=[entry.pk])).content.decode()
    assert 'name="_save"' not in detail
    assert PointsEntry.objects.count() == 1
