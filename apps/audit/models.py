from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


# At module level so Meta.constraints can name it (a nested class is not in Meta's scope).
class AuditAction(models.TextChoices):
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOCKED_OUT = "locked_out", "Locked out"
    LOGOUT = "logout", "Logged out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    TWO_FACTOR = "two_factor", "Two-factor authentication"
    MONEY_MOVEMENT = "money_movement", "Money movement"
    CORRECTION = "correction", "Staff correction"
    ADMIN_CHANGE = "admin_change", "Admin change"
    POINTS_ADJUSTMENT = "points_adjustment", "Points granted or removed"
    IMPORT_POSTED = "import_posted", "Statement imported"
    IMPORT_UNDONE = "import_undone", "Statement import undone"
    PROFILE_CHANGED = "profile_changed", "Profile settings changed"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    DATA_EXPORTED = "data_exported", "Data exported"
    PROFILE_CLOSED = "profile_closed", "Profile closed"
    ACCOUNT_CHECKED = "account_checked", "Account checked against the bank"
    SESSIONS_SIGNED_OUT = "sessions_signed_out", "Sessions signed out"


class AuditEvent(models.Model):
    """One thing that happened: who, what, to which object, when, from which IP.

    Append-only: a PostgreSQL trigger (migration 0002) refuses every UPDATE and
    DELETE, so not even code that bypasses the ORM can rewrite the history.
    """

    Action = AuditAction

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a user with history is deactivated, never deleted (and SET_NULL would be an UPDATE).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Who did it; empty for an anonymous request.")
    actor_email = models.CharField(max_length=254, blank=True,
                                   help_text="The actor's email at the time (or the email a failed login tried).")
    action = models.CharField(max_length=40, choices=Action.choices)
    object_type = models.CharField(max_length=100, blank=True, help_text='"app_label.model" of the object.')
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_time_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # Attempts on an address by someone not signed in, as a customer's security activity
            # finds them (apps.audit.selectors.security_events).
            models.Index(fields=["actor_email", "-created_at"], name="audit_tried_email_idx",
                         condition=models.Q(actor__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_action_valid"),
        ]
        permissions = [("post_correction", "Can post a ledger correction with a reason")]

    def __str__(self):
        who = self.actor_email or "anonymous"
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who}: {self.get_action_display()}"
