"""Brute-force protection with django-axes: 5 failures lock the account and the IP."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db
LIMIT = 5


def attempt(client, email, password="wrong-password", ip="192.0.2.10"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_settings_match_the_policy(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AUTHENTICATION_BACKENDS[-1] == "django.contrib.auth.backends.ModelBackend"


def test_four_failures_still_allow_the_right_password(client):
    user = UserFactory(email="dana@example.com")
    for _ in range(LIMIT - 1):
        assert attempt(client, "dana@example.com").status_code == 200
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_fifth_failure_locks_the_account_with_a_clear_page(client):
    UserFactory(email="dana@example.com")
    for _ in range(LIMIT - 1):
        attempt(client, "dana@example.com")
    response = attempt(client, "dana@example.com")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Login temporarily locked" in html
    assert "There were 5 failed login attempts" in html
    assert "for 15 minutes" in html
    assert "dana@example.com" in html
    # Even the right password is refused now, and no session is created.
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_account_is_locked_from_every_ip_and_in_any_letter_case(client):
    UserFactory(email="dana@example.com")
    for n in range(LIMIT):
        attempt(client, "Dana@Example.com" if n % 2 else "dana@example.com", ip=f"192.0.2.{n + 1}")
    assert attempt(client, "DANA@example.com", PASSWORD, ip="203.0.113.99").status_code == 429


def test_the_ip_is_locked_for_every_account(client):
    other = UserFactory(email="other@example.com")
    for n in range(LIMIT):
        attempt(client, f"guess{n}@example.com", ip="192.0.2.66")
    assert attempt(client, "other@example.com", PASSWORD, ip="192.0.2.66").status_code == 429
    # ...while the same account from another address still works.
    response = attempt(client, "other@example.com", PASSWORD, ip="192.0.2.67")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other.pk)


def test_the_lock_lifts_after_the_cool_off(client):
    user = UserFactory(email="dana@example.com")
    for _ in range(LIMIT):
        attempt(client, "dana@example.com")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_support_unlocks_from_the_admin(client):
    user = UserFactory(email="dana@example.com")
    for _ in range(LIMIT):
        attempt(client, "dana@example.com")
    staff_client = client.__class__()
    staff_client.force_login(SupportFactory())
    listing = staff_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "dana@example.com" in listing.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = staff_client.post(reverse("admin:axes_accessattempt_changelist"),
                                 {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    response = attempt(client, "dana@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_behind_a_proxy_the_forwarded_client_address_is_used(client, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="dana@example.com")
    for n in range(LIMIT):
        # The proxy (REMOTE_ADDR 10.0.0.1) appends the real client; the left entries are spoofable.
        client.post(reverse("login"), {"username": f"x{n}@example.com", "password": "bad"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.50")
    assert AccessAttempt.objects.filter(ip_address="192.0.2.50").count() == LIMIT
    # Another client behind the same proxy is not locked out.
    response = client.post(reverse("login"), {"username": "dana@example.com", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.51")
    assert response.status_code == 302


def test_client_login_still_works_in_tests(client):
    user = UserFactory(email="helper@example.com")
    assert client.login(username="helper@example.com", password=PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)
