"""Web push: one VAPID-signed, aes128gcm-encrypted message (RFC 8291/8292, through pywebpush)
to each browser the customer registered (apps.notifications.push), shown by our service worker
(static/js/push-sw.js) with the delivery's idempotency key as its tag, so a copy sent again
after a crash replaces the first on screen instead of doubling it."""

from __future__ import annotations

import json
import logging

import requests
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from apps.alerts.links import alert_link
from apps.alerts.models import AlertKind
from apps.core import formats

from ..models import Channel, PushSubscription
from ..push import push_subscriptions_gone, push_subscriptions_reached, vapid_keys
from .base import absolute, headline

logger = logging.getLogger("bankdash.notifications")

TTL_SECONDS = 24 * 60 * 60  # a browser offline for a day gets it when it comes back; later it is stale
TIMEOUT_SECONDS = 5  # per push service request (connect, then read): a slow one does not hold the worker
GONE = {404, 410}  # RFC 8030: the subscription expired or was removed
TOPIC_MAX_LENGTH = 32  # RFC 8030 Topic: up to 32 base64url characters
# Woken at once on a phone in battery saving: what may need acting on now.
HIGH_URGENCY = {AlertKind.NEW_SIGN_IN, AlertKind.SECURITY_CHANGE, AlertKind.ACCOUNT_LOCKED, AlertKind.AUTOPAY_FAILED,
                AlertKind.BILL_OVERDUE}


class PushUnavailable(Exception):
    """No VAPID keys are configured: nothing can be sent (the job is retried, then failed)."""


class PushFailed(Exception):
    """One or more browsers' push services refused or did not answer."""


class PushChannel:
    name = Channel.PUSH
    label = Channel.PUSH.label
    default_enabled = True

    def payload(self, delivery) -> dict:
        """What the browser shows, in the owner's language (the alert's text was written in it)."""
        alert = delivery.alert
        with formats.for_user(delivery.owner):
            title = headline(alert)
        link = alert_link(alert.kind)  # a tap opens where it is acted on (a sign-in: the sessions list)
        return {"title": title, "body": alert.message,
                "url": absolute(link.path if link is not None else reverse("alerts:list")),
                "tag": delivery.idempotency_key}

    def reachable(self, owner_ids: set[int]) -> set[int]:
        """Owners with at least one registered browser, when push is configured; one query."""
        if not owner_ids or vapid_keys() is None:
            return set()
        return set(PushSubscription.objects.filter(owner_id__in=owner_ids)
                   .values_list("owner_id", flat=True).distinct())

    def send(self, delivery) -> None:
        """To every browser of the owner not yet in ``delivery.sent_targets``. A browser whose
        push service says it is gone is forgotten (not a failure); any other failure is raised
        after the other browsers are tried, so the retry sends only to the ones that failed."""
        keys = vapid_keys()
        if keys is None:
            raise PushUnavailable("Web push is not configured on this server (no VAPID keys).")
        vapid = Vapid.from_string(private_key=keys.private_key)
        data = json.dumps(self.payload(delivery))
        headers = {"Urgency": "high" if delivery.alert.kind in HIGH_URGENCY else "normal"}
        if len(delivery.idempotency_key) <= TOPIC_MAX_LENGTH:
            # A copy still waiting at the push service (the browser offline) is replaced, not doubled.
            headers["Topic"] = delivery.idempotency_key
        subscriptions = (PushSubscription.objects.filter(owner_id=delivery.owner_id)
                         .exclude(pk__in=delivery.sent_targets).order_by("pk"))
        reached, gone, failures = [], [], []
        with requests.Session() as session:
            session.max_redirects = 0  # push services do not redirect; a stored URL must not lead elsewhere
            for subscription in subscriptions:
                try:
                    webpush(
                        subscription_info={"endpoint": subscription.endpoint,
                                           "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                        data=data, vapid_private_key=vapid,
                        vapid_claims={"sub": keys.subject},  # a new dict each time: webpush adds this endpoint's aud
                        content_encoding="aes128gcm", ttl=TTL_SECONDS, timeout=TIMEOUT_SECONDS,
                        headers=headers, requests_session=session)
                except WebPushException as error:
                    if error.status_code in GONE:
                        gone.append(subscription.pk)
                    else:
                        # The status only: the body of whatever answered is not ours to keep or show.
                        failures.append(f"browser {subscription.pk}: push service answered {error.status_code}")
                except Exception as error:  # a timeout, a refused connection: try the others first
                    failures.append(f"browser {subscription.pk}: {type(error).__name__}")
                else:
                    reached.append(subscription.pk)
        delivery.sent_targets.extend(reached)
        push_subscriptions_reached(ids=reached, at=timezone.now())
        push_subscriptions_gone(ids=gone)
        if gone:
            logger.info("forgot %s browser(s) gone from their push service", len(gone),
                        extra={"delivery_id": delivery.pk})
        if failures:
            raise PushFailed("; ".join(failures))
