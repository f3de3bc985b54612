"""Password reset requests are limited per IP and per email address (its normal form), in
the counters every worker process shares (apps.users.throttle)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("spelling", ["DANA@EXAMPLE.COM", "\uff44ana@example.com", " dana@example.com",
                                      "\u212a@example.com"], ids=["upper case", "fullwidth", "space", "kelvin"])
def test_every_spelling_of_an_address_counts_against_it(client, spelling):
    address = "k@example.com" if "\u212a" in spelling else "dana@example.com"
    UserFactory(email=address)
    for n in range(5):
        assert ask(client, address, ip=f"192.0.2.{n}").status_code == 302
    assert ask(client, spelling, ip="192.0.2.99").status_code == 429


def test_the_reset_finds_the_account_by_its_normal_form_only(client):
    UserFactory(email="kisi@example.com")
    assert ask(client, "k\u0131si@example.com").status_code == 302  # a dotless ı: another address
    assert mail.outbox == []
    assert ask(client, "\uff4bisi@example.com").status_code == 302  # a fullwidth k: the same one
    assert [m.to for m in mail.outbox] == [["kisi@example.com"]]


def test_one_ip_cannot_spray_many_addresses(client):
    for n in range(5):
        assert ask(client, f"user{n}@example.com").status_code == 302
    assert ask(client, "someone-else@example.com").status_code == 429
    assert ask(client, "someone-else@example.com", ip="192.0.2.21").status_code == 302


def test_the_window_ends(client, settings, time_machine):
    time_machine.move_to("2025-12-15 12:00:00+00:00", tick=False)
    settings.PASSWORD_RESET_RATE_LIMIT = (1, timedelta(seconds=60))
    assert ask(client, "a@example.com").status_code == 302
    assert ask(client, "a@example.com").status_code == 429
    time_machine.shift(timedelta(seconds=60))
    assert ask(client, "a@example.com").status_code == 302
