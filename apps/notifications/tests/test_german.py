"""A German customer (locale "de-DE") is told in German with German figures and dates: the
alert texts written for them (whoever posts the entry), their email and digest as the worker
sends them (through the test SMTP server), and the notification pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Account
from apps.alerts.models import Alert, AlertKind
from apps.notifications.channels.push import PushChannel
from apps.notifications.channels.webhook import record_failure
from apps.notifications.digest import digest_send, digests_due
from apps.notifications.models import Delivery, DigestFrequency, DigestPreference, Webhook
from apps.notifications.services import delivery_deliver
from tests.clock import NOW, TODAY
from tests.factories import account, budget, expense

from .conftest import dispatch_deferred

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def german(german):
    german.default_currency = "EUR"
    german.save(update_fields=["default_currency"])
    return german


def girokonto(user) -> Account:
    """A euro account watched below 1,500.00 and above 500.00; an expense of 765.44 takes it
    from 2,000.00 to 1,234.56: one large-transaction and one low-balance alert."""
    checking = account(user, "Girokonto", opening="2000.00", currency="EUR")
    Account.objects.filter(pk=checking.pk).update(low_balance_alert_below=Decimal("1500.00"),
                                                  large_transaction_alert_above=Decimal("500.00"))
    expense(checking, "765.44", on=TODAY)
    return checking


def test_the_threshold_alerts_are_written_in_german_with_german_figures(german):
    girokonto(german)
    low = Alert.objects.get(owner=german, kind=AlertKind.LOW_BALANCE)
    assert low.message == ("Der Kontostand von „Girokonto“ beträgt 1.234,56 € und liegt unter den 1.500,00 €, "
                           "ab denen Sie einen Hinweis wünschen.")
    large = Alert.objects.get(owner=german, kind=AlertKind.LARGE_TRANSACTION)
    assert large.message == ("765,44 € von „Girokonto“ (Ausgabe): mehr als die 500,00 €, ab denen Sie einen "
                             "Hinweis wünschen.")


def test_an_english_customer_still_gets_english_alerts(user):
    girokonto(user)
    assert Alert.objects.get(owner=user, kind=AlertKind.LOW_BALANCE).message == (
        "The balance of “Girokonto” is 1,234.56 EUR, below the 1,500.00 EUR you asked to be alerted at.")


def test_a_budget_alerts_email_and_push_name_the_budget_in_german(german, smtp_server):
    checking = account(german, "Girokonto", opening="2000.00", currency="EUR")
    budget(german, "food", limit="100.00", currency="EUR")
    expense(checking, "150.00", on=TODAY)
    dispatch_deferred()
    delivery = Delivery.objects.get(alert__kind=AlertKind.BUDGET_EXCEEDED, channel="email")
    assert delivery_deliver(delivery_id=delivery.pk) == "sent"
    [message] = smtp_server.messages
    assert message["Subject"].strip() == "BankDash: Budget überschritten: „Lebensmittel“"  # (an encoded header)
    assert PushChannel().payload(delivery)["title"] == "BankDash: Budget überschritten: „Lebensmittel“"


def test_the_alert_email_is_german(german, smtp_server):
    girokonto(german)
    dispatch_deferred()
    delivery = Delivery.objects.get(alert__kind=AlertKind.LOW_BALANCE, channel="email")

    assert delivery_deliver(delivery_id=delivery.pk) == "sent"

    [message] = smtp_server.messages
    assert message["Subject"] == "BankDash: Kontostand unter dem Schwellenwert"
    text = message.get_body(("plain",)).get_content()
    assert "Der Kontostand von „Girokonto“ beträgt 1.234,56 €" in text
    assert "Ihre Hinweise ansehen: " in text
    assert ("Sie erhalten diese E-Mail, weil E-Mail für Hinweise der Art „Kontostand unter dem Schwellenwert“ "
            "eingeschaltet ist.") in text
    assert "Diese E-Mails abbestellen (ohne Anmeldung): " in text


def test_the_digest_is_german_with_german_figures_and_dates(german, smtp_server):
    girokonto(german)
    DigestPreference.objects.create(owner=german, frequency=DigestFrequency.DAILY)
    [claimed] = digests_due(now=NOW)

    assert digest_send(digest_send_id=claimed, now=NOW) == "sent"

    [message] = smtp_server.messages
    # A non-ASCII subject is folded onto an encoded word on the next line; the parser keeps the fold's space.
    assert message["Subject"].strip() == "BankDash: Ihr täglicher Finanzüberblick, 15.12.2025"
    lines = message.get_body(("plain",)).get_content().splitlines()
    for line in ("Ihr täglicher Finanzüberblick für Mo., 15.12.2025", "KONTOSTÄNDE", "  Girokonto: 1.234,56 €",
                 "  Gesamt in EUR: 1.234,56 € (1 Konto)", "HINWEISE",
                 "  2 ungelesen: Große Buchung 1, Kontostand unter dem Schwellenwert 1"):
        assert line in lines, line
    html = message.get_body(("html",)).get_content()
    assert '<html lang="de">' in html and "<h2>Kontostände</h2>" in html and "1.234,56 €" in html


def test_a_webhook_turned_off_is_told_in_german(german, settings):
    settings.WEBHOOK_MAX_FAILURES = 1
    webhook = Webhook.objects.create(owner=german, url="https://hooks.example.com/bankdash", secret="s" * 64)

    assert record_failure(webhook=webhook, error="answered HTTP 500", now=timezone.now())

    alert = Alert.objects.get(owner=german, kind=AlertKind.WEBHOOK_DISABLED)
    assert alert.message.startswith("Ihr Webhook an hooks.example.com wurde nach 1 fehlgeschlagenen Versuchen in "
                                    "Folge ausgeschaltet (zuletzt: answered HTTP 500). Beheben Sie")


def test_the_notification_pages_are_german(german, logged_in):
    girokonto(german)
    dispatch_deferred()
    html = logged_in.get(reverse("notifications:settings")).content.decode()
    assert "<h1 class=\"h3 mb-0\">Benachrichtigungseinstellungen</h1>" in html
    assert "Ruhezeit" in html and "E-Mail-Zusammenfassung" in html and "Kontostand unter dem Schwellenwert" in html
    # The email channel is "E-Mail": Django's auth catalogue (an app listed first) has the same
    # message id for a form field, "E-Mail-Adresse", which won until the channel had a context.
    assert '<th scope="col" class="text-center">E-Mail</th>' in html and "E-Mail-Adresse" not in html
    assert '<label class="d-sm-none ms-2" for="id_budget_warning__email">E-Mail</label>' in html

    deliveries = logged_in.get(reverse("notifications:deliveries")).content.decode()
    assert "Letzte Zustellungen" in deliveries and "Wartend" in deliveries
    assert "15.12.2025, 12:00" in deliveries  # the customer's time zone is UTC
    assert "1.234,56 €" in deliveries

    webhooks = logged_in.get(reverse("notifications:webhooks")).content.decode()
    assert "Noch keine Webhooks." in webhooks and "Webhook hinzufügen" in webhooks
