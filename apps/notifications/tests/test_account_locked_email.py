"""Sign-ins paused after failed attempts reach the customer: the alert the lock raises is
emailed by the real worker through a real SMTP server, with the link to their security
activity."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.alerts.models import Alert, AlertKind

from .conftest import run_worker

# The worker runs jobs in threads of its own, with their own connections: committed data.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_locked_account_is_emailed_to_its_owner(user, smtp_server):
    for _ in range(5):
        Client(REMOTE_ADDR="198.51.100.9").post(reverse("login"), {"username": user.email, "password": "wrong"})
    [alert] = Alert.objects.filter(owner=user, kind=AlertKind.ACCOUNT_LOCKED)

    run_worker()

    [message] = smtp_server.messages
    assert message["To"] == user.email
    assert message["Subject"] == "BankDash: Sign-ins paused after failed attempts"
    body = message.get_content().replace("\r\n", "\n")
    assert alert.message in body and "198.51.100.0/24" in body
    assert "\nSecurity activity: http://127.0.0.1:8000/settings/activity/\n" in body
