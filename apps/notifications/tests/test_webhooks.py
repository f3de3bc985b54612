"""Outgoing webhooks against a real HTTP server on 127.0.0.1 that checks our HMAC signature
with the webhook's secret and its timestamp, and fails on purpose; the real worker sends and
retries; the address check (SSRF) at save and at send time; the webhooks pages."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import system_alert_broadcast
from apps.notifications.channels.webhook import WebhookChannel, check_url, signature
from apps.notifications.models import Channel, Delivery, DeliveryStatus, Webhook
from apps.notifications.services import DeliveryFailed, delivery_deliver
from apps.notifications.tasks import deliver
from apps.notifications.webhooks import MAX_WEBHOOKS_PER_USER, webhook_add, webhook_reactivate, webhook_send_test

from .conftest import _free_port, run_worker

# The worker runs jobs in threads with their own connections: its tests need committed data
# (django_db(transaction=True)); the flush after each empties the job queue too (tests/postgresql).


# ---------------------------------------------------------------------------
# The receiver
# ---------------------------------------------------------------------------

def signature_valid(secret: str | None, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """What the webhooks page tells customers to do."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (ValueError, KeyError):
        return False
    if secret is None:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", "")) and abs(time.time() - timestamp) <= tolerance


class Receiver:
    """A webhook receiver: 401 for a bad signature, 500 for the first ``fail_first`` signed
    requests, then ``status``. Records what it accepted (headers, parsed JSON, raw body)."""

    def __init__(self, *, fail_first: int = 0, status: int = 200, tls: tuple[str, str] | None = None):
        self.secret: str | None = None
        self.fail_first, self.status = fail_first, status
        self.requests = 0
        self.accepted: list[tuple[dict, dict, bytes]] = []
        self.failed: list[bytes] = []
        self.rejected: list[tuple[dict, bytes]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                code = receiver.handle(dict(self.headers), self.path, body)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:  # (certificate file, key file)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/bankdash?token=abc"

    def handle(self, headers: dict, path: str, body: bytes) -> int:
        with self._lock:
            self.requests += 1
            if not signature_valid(self.secret, headers.get("X-BankDash-Signature", ""), body):
                self.rejected.append((headers, body))
                return 401
            if self.fail_first > 0:
                self.fail_first -= 1
                self.failed.append(body)
                return 500
            self.accepted.append((headers, json.loads(body), body))
            return self.status

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers(settings):
    """Start receivers on 127.0.0.1 (so private networks and http are allowed for the test)."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    started = []

    def start(**kwargs) -> Receiver:
        started.append(Receiver(**kwargs))
        return started[-1]

    yield start
    for receiver in started:
        receiver.stop()


def hook_for(user, receiver: Receiver) -> Webhook:
    webhook = webhook_add(user=user, url=receiver.url)
    receiver.secret = webhook.secret
    return webhook


def make_retries_due() -> None:
    """The retried jobs as procrastinate leaves them after their backoff wait, due now (the
    real clock: procrastinate schedules from Python's now, PostgreSQL runs from its own)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() "
                       "WHERE status = 'todo' AND queue_name = 'notifications'")


def retried_delivery_jobs():
    with connection.cursor() as cursor:
        cursor.execute("SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo' "
                       "AND task_name = 'notifications.deliver'")
        return [row[0] for row in cursor.fetchall()]


# ---------------------------------------------------------------------------
# Sending through the worker
# ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_an_alert_reaches_each_receiver_once_signed_even_after_failures_and_retries(user, receivers):
    steady, flaky = receivers(), receivers(fail_first=2)
    steady_hook, flaky_hook = hook_for(user, steady), hook_for(user, flaky)
    system_alert_broadcast(message="Maintenance tonight", users=[user])
    alert = Alert.objects.get(owner=user)

    run_worker()  # the first attempt: the steady one takes it, the flaky one answers 500

    delivery = Delivery.objects.get(alert=alert, channel="webhook")
    assert (delivery.status, delivery.attempts, delivery.sent_targets) == (DeliveryStatus.PENDING, 1,
                                                                             [steady_hook.pk])
    assert "answered HTTP 500" in delivery.last_error
    flaky_hook.refresh_from_db()
    assert (flaky_hook.consecutive_failures, flaky_hook.last_error, flaky_hook.is_active) == (
        1, "answered HTTP 500", True)
    [retry_at] = retried_delivery_jobs()
    assert retry_at > timezone.now()  # retried later, with backoff

    make_retries_due()
    run_worker()  # the second: only the flaky one is tried, and fails again
    make_retries_due()
    run_worker()  # the third: it takes it

    assert (len(steady.accepted), len(flaky.failed), len(flaky.accepted)) == (1, 2, 1)
    assert steady.rejected == flaky.rejected == []
    expected = {
        "id": f"alert-{alert.pk}-webhook", "type": "system",
        "created_at": alert.created_at.isoformat().replace("+00:00", "Z"), "message": "Maintenance tonight",
        "alert": {"id": alert.pk, "kind": "system", "title": "System", "message": "Maintenance tonight",
                  "created_at": alert.created_at.isoformat().replace("+00:00", "Z"),
                  "url": "http://127.0.0.1:8000/alerts/"},
    }
    for receiver in (steady, flaky):
        [(headers, payload, _body)] = receiver.accepted
        assert payload == expected
        assert headers["Content-Type"] == "application/json"
        assert headers["X-BankDash-Delivery"] == f"alert-{alert.pk}-webhook"
        assert headers["Host"] == receiver.url.split("/")[2]
    # Every attempt carried the same body (the same idempotency key).
    assert set(flaky.failed) == {flaky.accepted[0][2]}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert sorted(delivery.sent_targets) == sorted([steady_hook.pk, flaky_hook.pk])
    flaky_hook.refresh_from_db()
    assert flaky_hook.consecutive_failures == 0 and flaky_hook.last_success_at is not None

    # The same delivery's job again (a duplicate, a worker that died before finishing) sends nothing.
    deliver.defer(delivery_id=delivery.pk)
    run_worker()
    assert (steady.requests, flaky.requests) == (1, 3)


def webhook_delivery(user) -> Delivery:
    """A system alert for ``user`` and its webhook delivery, to send in the test's own thread
    with ``delivery_deliver`` (whether the alert's fan-out made the row already or a job will)."""
    system_alert_broadcast(message="Maintenance tonight", users=[user])
    alert = Alert.objects.get(owner=user, kind=AlertKind.SYSTEM)
    delivery, _ = Delivery.objects.get_or_create(alert=alert, channel=Channel.WEBHOOK, defaults={"owner": user})
    return delivery


def test_a_receiver_holding_another_secret_refuses_the_alert_and_the_failure_is_recorded(user, receivers):
    receiver = receivers()
    webhook = hook_for(user, receiver)
    receiver.secret = "0" * 64  # not the webhook's: the signature cannot match
    delivery = webhook_delivery(user)

    with pytest.raises(DeliveryFailed, match="answered HTTP 401"):
        delivery_deliver(delivery_id=delivery.pk)

    assert (len(receiver.rejected), receiver.accepted) == (1, [])
    webhook.refresh_from_db()
    assert (webhook.consecutive_failures, webhook.last_error) == (1, "answered HTTP 401")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.sent_targets) == (DeliveryStatus.PENDING, [])
    # Checked with the webhook's own secret, the same request passes: only the secret was wrong.
    [(headers, body)] = receiver.rejected
    assert signature_valid(webhook.secret, headers["X-BankDash-Signature"], body)
    assert json.loads(body)["id"] == delivery.idempotency_key
    # And a signature too old (a replay) is refused with the right secret.
    old = signature(secret=webhook.secret, timestamp=int(time.time()) - 3600, body=body)
    assert not signature_valid(webhook.secret, old, body)


def test_max_failures_in_a_row_turn_the_webhook_off_with_one_alert_per_turning_off(user, receivers, settings):
    settings.WEBHOOK_MAX_FAILURES = 3
    broken = receivers(fail_first=1000)
    webhook = hook_for(user, broken)
    delivery = webhook_delivery(user)

    for _attempt in range(3):
        with pytest.raises(DeliveryFailed):
            delivery_deliver(delivery_id=delivery.pk)

    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.consecutive_failures) == (False, 3) and webhook.disabled_at is not None
    assert Alert.objects.filter(owner=user, kind=AlertKind.WEBHOOK_DISABLED).count() == 1
    assert WebhookChannel().reachable({user.pk}) == set()
    # Its next attempt has nothing left to send to; the receiver hears nothing more.
    assert delivery_deliver(delivery_id=delivery.pk) == "sent"
    assert broken.requests == 3

    # Turned back on and failing again: turned off again, and told again (once).
    webhook_reactivate(user=user, webhook_id=webhook.pk)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, sent_at=None)
    for _attempt in range(3):
        with pytest.raises(DeliveryFailed):
            delivery_deliver(delivery_id=delivery.pk)
    assert Alert.objects.filter(owner=user, kind=AlertKind.WEBHOOK_DISABLED).count() == 2
    assert broken.requests == 6


@pytest.mark.full
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_after_max_failures_the_webhook_is_turned_off_and_its_owner_alerted_once(user, receivers, settings):
    settings.WEBHOOK_MAX_FAILURES = 2
    broken, healthy = receivers(fail_first=1000), receivers()
    broken_hook, _healthy_hook = hook_for(user, broken), hook_for(user, healthy)
    system_alert_broadcast(message="Maintenance tonight", users=[user])

    run_worker()
    broken_hook.refresh_from_db()
    assert (broken_hook.is_active, broken_hook.consecutive_failures) == (True, 1)
    assert not Alert.objects.filter(kind=AlertKind.WEBHOOK_DISABLED).exists()

    make_retries_due()
    run_worker()  # the second failure in a row turns it off; the alert it raises goes out at once

    broken_hook.refresh_from_db()
    assert (broken_hook.is_active, broken_hook.consecutive_failures) == (False, 2)
    assert broken_hook.disabled_at is not None and broken_hook.last_error == "answered HTTP 500"
    [disabled] = Alert.objects.filter(owner=user, kind=AlertKind.WEBHOOK_DISABLED)
    # The host only: the URL's path and query (a token of the receiver's) stay out of an alert that is also emailed.
    assert disabled.message.startswith("Your webhook to 127.0.0.1 was turned off after 2 failed attempts in a row "
                                       "(last: answered HTTP 500).")
    assert "token=abc" not in disabled.message and "/hooks/" not in disabled.message
    # Told on the user's other channels: the other webhook and email.
    assert [payload["type"] for _h, payload, _b in healthy.accepted] == ["system", "webhook_disabled"]
    assert set(Delivery.objects.filter(alert=disabled).values_list("channel", flat=True)) == {"email", "webhook"}

    make_retries_due()
    run_worker()  # the system alert's retry: nothing left to send to

    assert broken.requests == 2
    assert Alert.objects.filter(kind=AlertKind.WEBHOOK_DISABLED).count() == 1
    assert Delivery.objects.get(alert__kind="system", channel="webhook").status == DeliveryStatus.SENT
    assert WebhookChannel().reachable({user.pk}) == {user.pk}  # the healthy one
    Webhook.objects.filter(pk=_healthy_hook.pk).delete()
    assert WebhookChannel().reachable({user.pk}) == set()


def test_at_send_time_an_address_that_became_private_is_refused_without_connecting(user, receivers, settings):
    receiver = receivers()
    webhook = hook_for(user, receiver)  # accepted while private networks were allowed
    # Now not allowed (DEBUG lets http through, so it is the address that is refused).
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS, settings.DEBUG = False, True
    delivery = webhook_delivery(user)

    with pytest.raises(DeliveryFailed, match="refused: 127.0.0.1 points to a private"):
        delivery_deliver(delivery_id=delivery.pk)

    assert receiver.requests == 0
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1
    assert webhook.last_error == ("refused: 127.0.0.1 points to a private, local or reserved network address. "
                                  "Webhooks are sent only to servers on the public internet.")
    test = webhook_send_test(user=user, webhook_id=webhook.pk)
    assert not test.ok and test.detail.startswith("refused: 127.0.0.1 points to a private")
    assert receiver.requests == 0


# ---------------------------------------------------------------------------
# The address check (SSRF) when adding
# ---------------------------------------------------------------------------

PRIVATE = "points to a private, local or reserved network address"


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:8000/hook", "Use an https:// address"),
    ("http://example.com/hook", "Use an https:// address"),
    ("https://127.0.0.1/hook", PRIVATE),
    ("https://10.1.2.3/hook", PRIVATE),
    ("https://192.168.0.10:8443/hook", PRIVATE),
    ("https://169.254.169.254/latest/meta-data/", PRIVATE),
    ("https://localhost/hook", PRIVATE),  # a host name that resolves to loopback
    ("https://[::1]/hook", PRIVATE),
    ("https://[::ffff:10.0.0.1]/hook", PRIVATE),
    ("https://0.0.0.0/hook", PRIVATE),
    ("https://user:secret@example.com/hook", "Leave the user name and password out"),
    ("not a url", "Enter a full web address"),
])
def test_adding_a_forbidden_address_is_a_form_error_that_keeps_what_was_typed(logged_in, user, url, message):
    response = logged_in.post(reverse("notifications:webhooks"), {"url": url})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "is-invalid" in html and 'aria-invalid="true"' in html
    assert f'value="{url}"' in html.replace("&amp;", "&")
    assert "The webhook was not added" in html
    assert not Webhook.objects.exists()


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command to make a certificate")
def test_https_connects_to_the_checked_address_and_checks_the_certificate_against_the_host_name(
        tmp_path, monkeypatch, receivers, user):
    # A certificate for "localhost" that this process trusts (OpenSSL reads SSL_CERT_FILE for each new context).
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    receiver = receivers(tls=(str(cert), str(key)))
    port = receiver.server.server_port
    by_name = webhook_add(user=user, url=f"https://localhost:{port}/hook")
    by_address = webhook_add(user=user, url=f"https://127.0.0.1:{port}/hook")
    receiver.secret = by_name.secret

    assert webhook_send_test(user=user, webhook_id=by_name.pk).detail == "answered HTTP 200"
    [(headers, _payload, _body)] = receiver.accepted
    assert headers["Host"] == f"localhost:{port}"
    # The same server by its address: the certificate names another host, so nothing is sent.
    refused = webhook_send_test(user=user, webhook_id=by_address.pk)
    assert not refused.ok and refused.detail.startswith("secure connection failed: hostname '127.0.0.1' doesn't match")
    monkeypatch.delenv("SSL_CERT_FILE")
    untrusted = webhook_send_test(user=user, webhook_id=by_name.pk)
    assert not untrusted.ok and "certificate verify failed" in untrusted.detail
    assert len(receiver.accepted) == 1


@pytest.mark.django_db
def test_the_address_check_lets_a_public_address_through_and_pins_it():
    target = check_url("https://93.184.215.14:8443/a/b?c=d")
    assert (target.addresses, target.port, target.path, target.host_header) == (
        ("93.184.215.14",), 8443, "/a/b?c=d", "93.184.215.14:8443")


# ---------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------

def test_adding_a_webhook_shows_its_secret_once_then_on_demand(logged_in, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    response = logged_in.post(reverse("notifications:webhooks"), {"url": "HTTP://LocalHost:9/Hook"}, follow=True)

    webhook = Webhook.objects.get(owner=user)
    assert webhook.url == "http://localhost:9/Hook" and len(webhook.secret) == 64 and webhook.is_active
    html = response.content.decode()
    assert "Webhook added. Copy its signing secret now" in html
    assert f'value="{webhook.secret}"' in html
    assert "t=&lt;unix time&gt;,v1=&lt;signature&gt;" in html  # how to verify, on the page

    again = logged_in.get(reverse("notifications:webhooks")).content.decode()
    assert webhook.secret not in again and "http://localhost:9/Hook" in again and "Active" in again

    shown = logged_in.post(reverse("notifications:webhook_secret", args=[webhook.pk]), follow=True)
    assert f'value="{webhook.secret}"' in shown.content.decode()

    duplicate = logged_in.post(reverse("notifications:webhooks"), {"url": "http://localhost:9/Hook"})
    assert "You already have a webhook to this address." in duplicate.content.decode()
    assert Webhook.objects.count() == 1


def test_at_most_five_webhooks(logged_in, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    for port in range(1, MAX_WEBHOOKS_PER_USER + 1):
        webhook_add(user=user, url=f"http://127.0.0.1:{port}/")
    page = logged_in.get(reverse("notifications:webhooks")).content.decode()
    assert "You have 5 webhooks, the most you can have." in page

    response = logged_in.post(reverse("notifications:webhooks"), {"url": "http://127.0.0.1:99/"})
    html = response.content.decode()
    assert "You can have at most 5 webhooks. Delete one to add another." in html
    assert 'value="http://127.0.0.1:99/"' in html
    assert Webhook.objects.filter(owner=user).count() == MAX_WEBHOOKS_PER_USER


def test_deleting_asks_for_confirmation_first(logged_in, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    webhook = webhook_add(user=user, url="http://127.0.0.1:9/hook")
    url = reverse("notifications:webhook_delete", args=[webhook.pk])

    page = logged_in.get(url)
    assert page.status_code == 200
    assert "Delete this webhook?" in page.content.decode() and "http://127.0.0.1:9/hook" in page.content.decode()
    assert Webhook.objects.filter(pk=webhook.pk).exists()

    response = logged_in.post(url, follow=True)
    assert "Webhook to http://127.0.0.1:9/hook deleted." in response.content.decode()
    assert not Webhook.objects.filter(pk=webhook.pk).exists()


def test_turning_a_webhook_back_on_clears_its_failures(logged_in, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    webhook = webhook_add(user=user, url="http://127.0.0.1:9/hook")
    Webhook.objects.filter(pk=webhook.pk).update(is_active=False, disabled_at=timezone.now(), consecutive_failures=10,
                                                 last_error="answered HTTP 500", last_failure_at=timezone.now())
    page = logged_in.get(reverse("notifications:webhooks")).content.decode()
    assert "Turned off on" in page and "after 10 failed attempts in a row" in page and "answered HTTP 500" in page
    settings_page = logged_in.get(reverse("notifications:settings")).content.decode()
    assert "1 webhook, 1 turned off after repeated failures." in settings_page
    assert f'href="{reverse("notifications:webhooks")}"' in settings_page

    response = logged_in.post(reverse("notifications:webhook_reactivate", args=[webhook.pk]), follow=True)

    assert "turned back on" in response.content.decode()
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.disabled_at, webhook.consecutive_failures) == (True, None, 0)


def test_another_users_webhook_is_not_found(logged_in, user_factory, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    theirs = webhook_add(user=user_factory(), url="http://127.0.0.1:9/hook")
    Webhook.objects.filter(pk=theirs.pk).update(is_active=False, disabled_at=timezone.now())
    for name, method in [("webhook_delete", "get"), ("webhook_delete", "post"), ("webhook_reactivate", "post"),
                         ("webhook_test", "post"), ("webhook_secret", "post")]:
        response = getattr(logged_in, method)(reverse(f"notifications:{name}", args=[theirs.pk]))
        assert response.status_code == 404, name
        assert theirs.secret not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.is_active is False
    assert theirs.url not in logged_in.get(reverse("notifications:webhooks")).content.decode()


@pytest.mark.parametrize("status, message", [
    (204, "Test event sent to {url}: your receiver answered HTTP 204."),
    (500, "The test event to {url} failed: answered HTTP 500."),
])
def test_send_test_reports_what_the_receiver_answered(logged_in, user, receivers, status, message):
    receiver = receivers(status=status)
    webhook = hook_for(user, receiver)

    response = logged_in.post(reverse("notifications:webhook_test", args=[webhook.pk]), follow=True)

    assert message.format(url=webhook.url) in response.content.decode()
    # A test is signed like an alert and changes nothing recorded.
    [(headers, payload, _body)] = receiver.accepted
    assert payload["type"] == "test" and payload["alert"] is None
    assert headers["X-BankDash-Delivery"] == payload["id"]
    webhook.refresh_from_db()
    assert (webhook.consecutive_failures, webhook.last_success_at) == (0, None)


def test_send_test_to_an_address_nobody_listens_on_says_so(logged_in, user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    webhook = webhook_add(user=user, url=f"http://127.0.0.1:{_free_port()}/hook")
    response = logged_in.post(reverse("notifications:webhook_test", args=[webhook.pk]), follow=True)
    assert "failed: could not connect" in response.content.decode()
