"""Sign-ins paused after too many failed attempts on the account (django-axes' lock of the
account, apps.users.lockout) raise one alert for its owner while the pause lasts, through the
real login page; a lock of an address alone tells no account's owner."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from apps.alerts.links import alert_link
from apps.alerts.models import Alert, AlertKind
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LIMIT = 5


def attempt(email, password="wrong-password", ip="198.51.100.9"):
    return Client(REMOTE_ADDR=ip).post(reverse("login"), {"username": email, "password": password})


def locks(user):
    return list(Alert.objects.filter(owner=user, kind=AlertKind.ACCOUNT_LOCKED).values_list("message", flat=True))


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com")


def test_the_lock_of_an_account_is_told_to_its_owner_once_while_it_lasts(ada, time_machine):
    for _ in range(LIMIT - 1):
        assert attempt("ada@example.com").status_code == 200
    assert locks(ada) == []

    assert attempt("Ada@Example.com").status_code == 429  # the fifth, in any case: the account locks

    assert locks(ada) == [
        "Sign-ins to your account are paused for 15 minutes after too many failed attempts, the last from the "
        "network 198.51.100.0/24. If they were not yours, your password held: change it if it may be guessed, "
        "and turn on two-factor authentication."]
    # More attempts during the pause are refused, and told of no more.
    for _ in range(3):
        assert attempt("ada@example.com", ip="203.0.113.5").status_code == 429
    assert attempt("ada@example.com", PASSWORD).status_code == 429
    assert len(locks(ada)) == 1
    link = alert_link(AlertKind.ACCOUNT_LOCKED)
    assert (str(link.label), link.path) == ("Security activity", "/settings/activity/")

    # After the pause, another run of failures is another lock, and another alert.
    time_machine.shift(timedelta(minutes=16))
    for _ in range(LIMIT):
        attempt("ada@example.com", ip="192.0.2.44")
    assert len(locks(ada)) == 2
    assert "the last from the network 192.0.2.0/24" in locks(ada)[0]


def test_a_locked_address_tells_no_accounts_owner(ada, settings):
    settings.LOCKOUT_IP_FAILURE_LIMIT = 3
    attempt("ada@example.com")
    attempt("nobody@example.com")

    response = attempt("ada@example.com")  # the address's third: the address locks, not Ada's account

    assert response.status_code == 429
    assert "logging in from this address is paused" in response.content.decode()
    assert locks(ada) == []


def test_an_address_of_no_account_locks_without_an_alert(ada):
    for _ in range(LIMIT):
        attempt("nobody@example.com")
    assert not Alert.objects.filter(kind=AlertKind.ACCOUNT_LOCKED).exists()


def test_a_closed_profile_is_told_nothing(ada):
    ada.is_active = False
    ada.save(update_fields=["is_active"])
    for _ in range(LIMIT):
        attempt("ada@example.com")
    assert locks(ada) == []


def test_the_alert_is_in_the_owners_language(ada):
    ada.locale = "de-DE"
    ada.save(update_fields=["locale"])
    for _ in range(LIMIT):
        attempt("ada@example.com")

    assert locks(ada) == [
        "Anmeldungen bei Ihrem Konto sind nach zu vielen Fehlversuchen für 15 Minuten pausiert, der letzte aus dem "
        "Netzwerk 198.51.100.0/24. Falls sie nicht von Ihnen waren: Ihr Passwort hat standgehalten. Ändern Sie es, "
        "wenn es erraten werden könnte, und schalten Sie die Zwei-Faktor-Authentifizierung ein."]


def test_without_a_cool_off_the_lock_lasts_until_support_unlocks_it(ada, settings):
    settings.AXES_COOLOFF_TIME = None
    for _ in range(LIMIT + 2):
        attempt("ada@example.com")

    assert locks(ada) == [
        "Sign-ins to your account are paused after too many failed attempts, until our support team unlocks them. "
        "If they were not yours, your password held: change it if it may be guessed, and turn on two-factor "
        "authentication."]
