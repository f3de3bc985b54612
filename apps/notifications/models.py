"""What a customer wants to be told, how, and what was sent.

A ``Delivery`` is one alert on one channel: unique (alert, channel), so it is the idempotency
key of the send (a retried or duplicated job finds the row sent and sends nothing).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    # The in-app list (apps.alerts) is always on and has no row here. A new channel: a choice
    # here, a class in channels.CHANNELS, a migration for the constraints.
    # With a context: Django's auth catalogue (an app listed first, so it wins) has "Email" as
    # "E-Mail-Adresse", the form field's label; a channel is "E-Mail".
    EMAIL = "email", pgettext_lazy("notification channel", "Email")
    PUSH = "push", _("Browser push")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    HELD = "held", _("Held for quiet hours")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationPreference(models.Model):
    """Whether ``owner`` wants alerts of ``kind`` on ``channel``. No row: the channel's default."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="notification_preferences")
    # An apps.alerts AlertKind value (not constrained here: new kinds arrive with the apps that raise them).
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "channel"], name="notifications_pref_once"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notifications_pref_channel_valid"),
        ]

    def __str__(self):
        return f"{self.kind} by {self.channel}: {'on' if self.enabled else 'off'}"


class QuietHours(models.Model):
    """A daily window, in the owner's time zone, when nothing is sent (it is held until the
    end). ``start`` after ``end`` crosses midnight (22:00-07:00)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                 related_name="quiet_hours")
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        verbose_name_plural = _("quiet hours")
        constraints = [models.CheckConstraint(condition=~Q(start=models.F("end")),
                                              name="notifications_quiet_hours_not_empty")]

    def __str__(self):
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class Delivery(models.Model):
    Status = DeliveryStatus

    alert = models.ForeignKey("alerts.Alert", on_delete=models.CASCADE, related_name="deliveries")
    # The alert's owner, kept here so every read is scoped by owner without a join.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)
    # For channels with several targets per owner (browsers, webhooks): the ids of the targets
    # already sent to, so a retry sends only to the others (see channels.base).
    sent_targets = ArrayField(models.BigIntegerField(), default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["owner", "-created_at", "-id"], name="notifications_delivery_owner")]
        constraints = [
            # The idempotency key: one alert is sent once per channel.
            models.UniqueConstraint(fields=["alert", "channel"], name="notifications_delivery_once_per_channel"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notifications_delivery_channel"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="notifications_delivery_status"),
            models.CheckConstraint(condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                                   name="notifications_delivery_sent_has_time"),
        ]

    def __str__(self):
        return f"{self.idempotency_key} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        return f"alert-{self.alert_id}-{self.channel}"


class PushSubscription(models.Model):
    """One browser that agreed to receive pushes (the Push API's subscription: its endpoint on
    the browser vendor's push service and the keys the payload is encrypted to)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)  # the browser's public key, base64url
    auth = models.CharField(max_length=100)  # the browser's auth secret, base64url
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.user_agent or self.endpoint[:60]


class Webhook(models.Model):
    """A URL the customer added: each alert is POSTed there as JSON signed with HMAC-SHA256 of
    ``secret``. Turned off (``is_active`` false, ``disabled_at`` set) after repeated failures."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "url"], name="notifications_webhook_url_once"),
            models.CheckConstraint(condition=Q(is_active=True) | Q(disabled_at__isnull=False),
                                   name="notifications_webhook_disabled_has_time"),
        ]

    def __str__(self):
        return self.url


class DigestFrequency(models.TextChoices):
    OFF = "off", _("Never")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week (Monday)")


class DigestPreference(models.Model):
    """How often ``owner`` wants the email digest of their money picture. No row: never."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                 related_name="digest_preference")
    frequency = models.CharField(max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(frequency__in=DigestFrequency.values),
                                              name="notifications_digest_frequency_valid")]

    def __str__(self):
        return self.get_frequency_display()


class DigestSend(models.Model):
    """One digest for one owner and period (the local day, or the Monday of the week): unique,
    so it is claimed and sent once however many workers run the periodic job."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_sends")
    frequency = models.CharField(max_length=10, choices=DigestFrequency.choices)
    period_start = models.DateField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "frequency", "period_start"], name="notifications_digest_once"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="notifications_digest_status"),
        ]

    def __str__(self):
        return f"{self.frequency} digest from {self.period_start} ({self.status})"
