"""What a customer wants to be told, how, and what was sent.

A ``Delivery`` is one alert on one channel: unique (alert, channel), so it is the idempotency
key of the send (a retried or duplicated job finds the row sent and sends nothing).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    # The in-app list (apps.alerts) is always on and has no row here. Web push and webhooks
    # come later: a choice here, a class in channels.CHANNELS, a migration for the constraint.
    EMAIL = "email", "Email"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    HELD = "held", "Held for quiet hours"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


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
        verbose_name_plural = "quiet hours"
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
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
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
