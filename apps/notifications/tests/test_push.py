"""Web push against a real push service on 127.0.0.1 (http.server in a thread): browsers made
here (P-256 key pairs and auth secrets) subscribe through the real endpoint, the real worker
sends, and the fake push service decrypts each payload with the browser's private key
(http_ece, RFC 8291) and checks the VAPID JWT (RFC 8292) against the server's public key."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import system_alert_broadcast
from apps.notifications.channels import CHANNELS
from apps.notifications.models import Delivery, DeliveryStatus, PushSubscription
from apps.notifications.push import generate_vapid_pair, push_subscription_save, vapid_keys
from apps.notifications.tasks import deliver
from tests.factories import AlertFactory

from .conftest import run_worker

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/140.0.0.0 Mobile Safari/537.36")
SUBSCRIBE = "/notifications/push/subscribe/"
UNSUBSCRIBE = "/notifications/push/unsubscribe/"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---------------------------------------------------------------------------
# The fake push service and browsers
# ---------------------------------------------------------------------------

@dataclass
class Push:
    path: str
    headers: dict  # names in lower case
    body: bytes


@dataclass
class PushService:
    """Records every POST; answers 201 unless ``status`` names another code for a path."""

    url: str = ""
    received: list[Push] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)

    def to(self, path: str) -> list[Push]:
        return [push for push in self.received if push.path == path]


@pytest.fixture
def push_service():
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's hook name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            service.received.append(Push(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            code = service.status.get(self.path, 201)
            self.send_response(code)
            reply = b"internal detail of the push service" if code >= 500 else b""
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


class Browser:
    """What a browser's PushManager makes: a key pair and auth secret, and an endpoint."""

    def __init__(self, service: PushService, name: str):
        self.path = f"/push/{name}"
        self.endpoint = service.url + self.path
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64url(self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint))

    def subscription(self) -> dict:  # PushSubscription.toJSON()
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)}}

    def decrypt(self, push: Push) -> dict:
        return json.loads(http_ece.decrypt(push.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def vapid_claims(authorization: str, *, public_key: str) -> dict:
    """The claims of a ``vapid t=<JWT>,k=<key>`` header, after checking the JWT's ES256 signature
    with ``public_key`` (which must also be the key it names)."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    raw = unb64url(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    # Raises InvalidSignature unless the server's private key signed exactly these claims.
    key.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
               f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    assert json.loads(unb64url(header))["alg"] == "ES256"
    return json.loads(unb64url(claims))


@pytest.fixture
def vapid(settings):
    public, private = generate_vapid_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, private
    settings.VAPID_SUBJECT = "mailto:ops@bankdash.example"
    settings.PUSH_ALLOW_LOCAL_HTTP = True  # the fake push service is plain http on 127.0.0.1
    return public


def subscribe(client, browser: Browser, user_agent: str = FIREFOX):
    return client.post(SUBSCRIBE, json.dumps(browser.subscription()), content_type="application/json",
                       HTTP_USER_AGENT=user_agent)


def make_due_now() -> None:
    """The retry procrastinate scheduled with backoff, due now."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


# ---------------------------------------------------------------------------
# Through the real worker (committed data: its threads have their own connections)
# ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_an_alert_reaches_the_browser_encrypted_and_signed_once(vapid, push_service, user, logged_in):
    browser = Browser(push_service, "firefox")
    response = subscribe(logged_in, browser)
    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert response.json() == {"id": subscription.pk, "message": "Push notifications are on in Firefox on Linux."}
    assert (subscription.owner, subscription.endpoint, subscription.user_agent) == (user, browser.endpoint, FIREFOX)

    system_alert_broadcast(message="Maintenance tonight from 22:00", users=[user])
    alert = Alert.objects.get(owner=user)
    run_worker()  # the dispatch job writes the deliveries, their deliver jobs send

    [push] = push_service.to(browser.path)
    assert browser.decrypt(push) == {"title": "BankDash: System", "body": "Maintenance tonight from 22:00",
                                     "url": "http://127.0.0.1:8000/alerts/", "tag": f"alert-{alert.pk}-push"}
    assert push.headers["content-encoding"] == "aes128gcm"
    assert (push.headers["ttl"], push.headers["topic"], push.headers["urgency"]) == (
        "86400", f"alert-{alert.pk}-push", "normal")
    claims = vapid_claims(push.headers["authorization"], public_key=vapid)
    assert claims["aud"] == push_service.url  # the endpoint's origin
    assert claims["sub"] == "mailto:ops@bankdash.example"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    delivery = Delivery.objects.get(channel="push")
    assert (delivery.status, delivery.attempts, delivery.sent_targets) == (DeliveryStatus.SENT, 1, [subscription.pk])
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None

    # The same delivery's job again (a retry, a duplicate): nothing more is pushed.
    deliver.defer(delivery_id=delivery.pk)
    run_worker()
    assert len(push_service.received) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("transactional_db")
def test_a_gone_browser_is_forgotten_and_a_failing_one_alone_gets_the_retry(vapid, push_service, user):
    working, gone, failing = (Browser(push_service, name) for name in ("working", "gone", "failing"))
    subscriptions = {b.path: push_subscription_save(user=user, endpoint=b.endpoint, p256dh=b.p256dh,
                                                    auth=b64url(b.auth), user_agent=FIREFOX)
                     for b in (working, gone, failing)}
    push_service.status = {gone.path: 410, failing.path: 500}
    system_alert_broadcast(message="Rent is due", users=[user])

    run_worker()

    assert [len(push_service.to(b.path)) for b in (working, gone, failing)] == [1, 1, 1]
    assert set(PushSubscription.objects.values_list("endpoint", flat=True)) == {working.endpoint, failing.endpoint}
    delivery = Delivery.objects.get(channel="push")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.sent_targets == [subscriptions[working.path].pk]
    assert delivery.last_error == f"PushFailed: browser {subscriptions[failing.path].pk}: push service answered 500"

    # The push service is back: the retry sends to the failing browser only.
    push_service.status = {}
    make_due_now()
    run_worker()

    assert [len(push_service.to(b.path)) for b in (working, gone, failing)] == [1, 1, 2]
    assert failing.decrypt(push_service.to(failing.path)[-1])["body"] == "Rent is due"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert delivery.sent_targets == [subscriptions[working.path].pk, subscriptions[failing.path].pk]


# ---------------------------------------------------------------------------
# The endpoints
# ---------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("body", "message"), [
    ("not json", "Send a JSON object."),
    ("[1, 2]", "Send a JSON object."),
    (json.dumps({"keys": {}}), "The push endpoint must be an https URL of the browser's push service."),
    (json.dumps({"endpoint": "http://push.example.com/x", "keys": {}}),
     "The push endpoint must be an https URL of the browser's push service."),
    (json.dumps({"endpoint": "https://10.0.0.5/x", "keys": {}}),
     "The push endpoint must be an https URL of the browser's push service."),
    (json.dumps({"endpoint": "https://push.example.com/x", "keys": {"p256dh": "AAAA", "auth": b64url(bytes(16))}}),
     "The subscription's p256dh key must be base64url of 65 bytes."),
    (json.dumps({"endpoint": "https://push.example.com/x", "keys": {"p256dh": b64url(b"\x04" + bytes(64)),
                                                                     "auth": b64url(bytes(16))}}),
     "The subscription's p256dh key is not a P-256 public key."),
])
def test_a_bad_subscription_is_refused_with_a_json_message(vapid, logged_in, body, message):
    response = logged_in.post(SUBSCRIBE, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == message
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_a_local_http_endpoint_is_refused_unless_allowed(vapid, push_service, settings, logged_in):
    settings.PUSH_ALLOW_LOCAL_HTTP = False
    browser = Browser(push_service, "local")
    response = subscribe(logged_in, browser)
    assert (response.status_code, response.json()["fields"]) == (
        400, {"endpoint": ["The push endpoint must be an https URL of the browser's push service."]})
    bad_auth = {**browser.subscription(), "endpoint": "https://push.example.com/x"}
    bad_auth["keys"] = {**bad_auth["keys"], "auth": b64url(bytes(8))}
    response = logged_in.post(SUBSCRIBE, json.dumps(bad_auth), content_type="application/json")
    assert response.json()["fields"] == {"auth": ["The subscription's auth key must be base64url of 16 bytes."]}


@pytest.mark.django_db
def test_logged_out_the_endpoints_answer_401_json_and_get_answers_405(vapid, client, user, push_service):
    for url in (SUBSCRIBE, UNSUBSCRIBE):
        response = client.post(url, json.dumps(Browser(push_service, "x").subscription()),
                               content_type="application/json")
        assert (response.status_code, response.json()) == (401, {"error": "Authentication required: log in first."})
    client.force_login(user)
    response = client.get(SUBSCRIBE)
    assert (response.status_code, response["Allow"], response.json()["error"]) == (
        405, "POST", "Method not allowed: use POST.")


@pytest.mark.django_db
def test_the_csrf_token_is_required_in_its_header(vapid, user, push_service):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("notifications:settings"))  # sets the CSRF cookie
    browser = Browser(push_service, "csrf")
    response = client.post(SUBSCRIBE, json.dumps(browser.subscription()), content_type="application/json")
    assert (response.status_code, response.json()) == (403, {"error": "CSRF verification failed: send the CSRF token."})
    response = client.post(SUBSCRIBE, json.dumps(browser.subscription()), content_type="application/json",
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 201


@pytest.mark.django_db
def test_another_users_browser_answers_404_and_stays(vapid, push_service, user_factory, logged_in):
    other = user_factory()
    browser = Browser(push_service, "theirs")
    theirs = push_subscription_save(user=other, endpoint=browser.endpoint, p256dh=browser.p256dh,
                                    auth=b64url(browser.auth))
    remove = reverse("notifications:push_remove", args=[theirs.pk])
    assert logged_in.get(remove).status_code == 404
    assert logged_in.post(remove).status_code == 404
    response = logged_in.post(UNSUBSCRIBE, json.dumps({"endpoint": browser.endpoint}), content_type="application/json")
    assert (response.status_code, response.json()) == (404, {"error": "Not found: this browser is not in your list."})
    assert PushSubscription.objects.get().owner == other


@pytest.mark.django_db
def test_the_owner_removes_a_browser_after_confirming_or_from_the_browser(vapid, push_service, user, logged_in):
    phone, laptop = Browser(push_service, "phone"), Browser(push_service, "laptop")
    subscribe(logged_in, phone, CHROME_ANDROID)
    subscribe(logged_in, laptop)
    on_phone = PushSubscription.objects.get(endpoint=phone.endpoint)
    remove = reverse("notifications:push_remove", args=[on_phone.pk])

    page = logged_in.get(remove)
    assert page.status_code == 200
    assert "Stop push notifications in Chrome on Android?" in page.content.decode()
    assert PushSubscription.objects.count() == 2
    response = logged_in.post(remove, follow=True)
    assert response.redirect_chain == [(reverse("notifications:settings"), 302)]
    assert "Chrome on Android no longer gets push notifications." in response.content.decode()
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [laptop.endpoint]

    response = logged_in.post(UNSUBSCRIBE, json.dumps({"endpoint": laptop.endpoint}), content_type="application/json")
    assert (response.status_code, response.json()) == (200, {"message": "Push notifications are off in this browser."})
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_a_shared_browser_moves_to_who_turned_push_on_last(vapid, push_service, user, user_factory, client):
    browser = Browser(push_service, "shared")
    first, second = user, user_factory()
    client.force_login(first)
    subscribe(client, browser)
    client.force_login(second)
    subscribe(client, browser)
    assert list(PushSubscription.objects.values_list("owner", flat=True)) == [second.pk]


@pytest.mark.django_db
def test_the_service_worker_is_javascript_from_our_origin_for_anyone(client):
    response = client.get(reverse("notifications:push_service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    source = response.content.decode()
    assert "showNotification" in source and "options.tag = data.tag" in source and "openWindow" in source
    policy = response["Content-Security-Policy"]  # the strict policy holds for the worker too
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == "script-src 'self'" and "unsafe" not in policy  # in any order


@pytest.mark.django_db
def test_the_settings_page_has_the_card_with_the_users_browsers(vapid, push_service, user, logged_in):
    subscribe(logged_in, Browser(push_service, "firefox"))
    page = logged_in.get(reverse("notifications:settings")).content.decode()
    assert '<h2 class="h5" id="push-heading">Browser push</h2>' in page
    assert "Turn on push in this browser" in page
    assert f'data-public-key="{vapid}"' in page
    assert 'data-service-worker="/notifications/push/service-worker.js"' in page
    assert 'data-scope="/notifications/push/"' in page
    assert "Firefox on Linux" in page
    sub = PushSubscription.objects.get()
    assert f'href="/notifications/push/{sub.pk}/remove/"' in page
    assert '<script src="/static/js/push.js" defer></script>' in page


# ---------------------------------------------------------------------------
# The keys, and who can be reached
# ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_without_keys_in_production_push_is_unavailable_and_says_so(settings, push_service, user, logged_in):
    settings.DEBUG = False
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    assert vapid_keys() is None
    page = logged_in.get(reverse("notifications:settings")).content.decode()
    assert "Browser push is not available on this BankDash" in page
    assert "Turn on push in this browser" not in page and "push.js" not in page
    response = subscribe(logged_in, Browser(push_service, "x"))
    assert (response.status_code, response.json()["error"]) == (400, "Browser push is not available on this BankDash.")
    PushSubscription.objects.create(owner=user, endpoint="https://push.example.com/1", p256dh="x", auth="y")
    assert CHANNELS["push"].reachable({user.pk}) == set()


def test_in_development_a_key_pair_is_made_once_and_kept_private(settings, tmp_path):
    settings.DEBUG = True
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_DEV_KEY_FILE = tmp_path / "var" / "vapid.json"
    keys = vapid_keys()
    assert (settings.VAPID_DEV_KEY_FILE.stat().st_mode & 0o777) == 0o600
    assert vapid_keys() == keys  # the same pair for the web server and the worker, run after run
    assert json.loads(settings.VAPID_DEV_KEY_FILE.read_text()) == {"public_key": keys.public_key,
                                                                    "private_key": keys.private_key}
    public = ec.derive_private_key(int.from_bytes(unb64url(keys.private_key), "big"), ec.SECP256R1()).public_key()
    assert keys.public_key == b64url(public.public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint))
    assert list(tmp_path.joinpath("var").iterdir()) == [settings.VAPID_DEV_KEY_FILE]


def test_a_public_key_that_is_not_the_private_keys_turns_push_off_and_is_logged(settings, caplog):
    settings.VAPID_PUBLIC_KEY, _ = generate_vapid_pair()
    _, settings.VAPID_PRIVATE_KEY = generate_vapid_pair()
    assert vapid_keys() is None
    assert "VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY: web push is off" in caplog.messages


@pytest.mark.django_db
def test_reachable_are_the_owners_with_a_browser_in_one_query(vapid, user_factory, django_assert_num_queries):
    with_browser, without = user_factory(), user_factory()
    PushSubscription.objects.create(owner=with_browser, endpoint="https://push.example.com/1", p256dh="x", auth="y")
    PushSubscription.objects.create(owner=with_browser, endpoint="https://push.example.com/2", p256dh="x", auth="y")
    with django_assert_num_queries(1):
        assert CHANNELS["push"].reachable({with_browser.pk, without.pk}) == {with_browser.pk}


@pytest.mark.django_db
def test_a_sign_in_alert_opens_the_browsers_signed_in_and_a_system_one_the_alerts(user):
    push = CHANNELS["push"]
    sign_in = AlertFactory(owner=user, kind=AlertKind.NEW_SIGN_IN, message="New sign-in")
    system = AlertFactory(owner=user, kind=AlertKind.SYSTEM, message="Maintenance")
    assert push.payload(Delivery(alert=sign_in, owner=user, channel="push"))["url"] == (
        "http://127.0.0.1:8000/settings/#sessions-heading")
    assert push.payload(Delivery(alert=system, owner=user, channel="push"))["url"] == "http://127.0.0.1:8000/alerts/"
