"""Password reset requests are limited per IP and per email address."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def ask(client, email, ip="192.0.2.20"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_the_sixth_request_for_one_email_is_refused_even_from_other_ips(client):
    UserFactory(email="dana@example.com")
    for n in range(5):
        assert ask(client, "dana@example.com", ip=f"192.0.2.{n}").status_code == 302
    response = ask(client, "Dana@Example.com", ip="192.0.2.200")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many password reset requests. Please wait 15 minutes" in html
    assert 'value="Dana@Example.com"' in html  # what was typed stays
    assert len(mail.outbox) == 5


def test_one_ip_cannot_spray_many_addresses(client):
    for n in range(5):
        assert ask(client, f"user{n}@example.com").status_code == 302
    assert ask(client, "someone-else@example.com").status_code == 429
    assert ask(client, "someone-else@example.com", ip="192.0.2.21").status_code == 302


def test_the_window_ends(client, settings):
    from datetime import timedelta

    settings.PASSWORD_RESET_RATE_LIMIT = (1, timedelta(seconds=1))
    assert ask(client, "a@example.com").status_code == 302
    assert ask(client, "a@example.com").status_code == 429
    cache.clear()  # (the same as the window's expiry)
    assert ask(client, "a@example.com").status_code == 302
