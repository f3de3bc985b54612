"""A German customer (locale "de-DE") sees the alerts page in German, with German dates, and
their security alerts are written in German, whoever triggers them."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from apps.alerts.models import Alert, AlertKind
from apps.alerts.security import new_sign_in_alert, security_change_alert
from tests.factories import AlertFactory
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_the_alerts_page_is_german_with_german_dates(german, logged_in):
    alert = AlertFactory(owner=german, kind=AlertKind.LARGE_TRANSACTION, message="765,44 € von „Girokonto“")
    Alert.objects.filter(pk=alert.pk).update(created_at=datetime(2025, 11, 29, 19, 5, tzinfo=UTC))

    html = logged_in.get(reverse("alerts:list")).content.decode()

    assert '<h1 class="h3 mb-0">Hinweise</h1>' in html
    assert "Große Buchung" in html and "Neu" in html and "Als gelesen markieren" in html
    assert "29.11.2025, 19:05" in html
    assert "Alle als gelesen markieren" in html


def test_a_security_alert_links_to_the_sessions_in_german(german, logged_in):
    AlertFactory(owner=german, kind=AlertKind.SECURITY_CHANGE, message="Ihr Passwort wurde geändert.")
    html = logged_in.get(reverse("alerts:list")).content.decode()
    assert '<a href="/settings/#sessions-heading">Hier sind Sie angemeldet</a>' in html


def test_marking_read_is_said_in_german(german, logged_in):
    AlertFactory.create_batch(2, owner=german)
    assert messages_of(logged_in.post(reverse("alerts:read_all"))) == ["2 Hinweise als gelesen markiert."]


def test_the_empty_alerts_page_is_german(german, logged_in):
    assert "Noch keine Hinweise." in logged_in.get(reverse("alerts:list")).content.decode()


def test_security_alerts_are_written_in_the_customers_language(german, user_factory):
    security_change_alert(user=german, what="password_change")
    new_sign_in_alert(user=german, device=SimpleNamespace(pk=987, browser="Firefox", os="Linux"),
                      network="203.0.113.0/24")
    english = user_factory()
    security_change_alert(user=english, what="two_factor_enabled")

    assert list(Alert.objects.filter(owner=german).order_by("pk").values_list("message", flat=True)) == [
        "Ihr Passwort wurde geändert. Falls Sie das nicht waren, ändern Sie jetzt Ihr Passwort und wenden Sie sich "
        "an den Support.",
        "Neue Anmeldung bei Ihrem Konto mit Firefox unter Linux, aus dem Netzwerk 203.0.113.0/24 (das Netzwerk, kein "
        "genauer Ort). Falls Sie das nicht waren, ändern Sie jetzt Ihr Passwort und wenden Sie sich an den Support.",
    ]
    assert Alert.objects.get(owner=english).message == (
        "Two-factor authentication was turned on for your account. If it was not you, change your password now and "
        "contact support.")
