import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from apps.core.dates import zone_of

from .locales import DEFAULT_LOCALE, Locale


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """The one form of an address that is stored, looked up (exactly), counted by the
        login lockout and by the throttles: NFKC (fullwidth letters, the long s "ſ" and the
        Kelvin sign become their ASCII letters), without surrounding spaces, lower-cased by
        Python. Look-ups never fold case again in PostgreSQL, whose upper() turns the
        dotless "ı" into "I" where Python keeps it apart: one rule decides, not two."""
        return unicodedata.normalize("NFKC", email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: self.normalize_email(username)})

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


def default_time_zone():
    return settings.TIME_ZONE


def default_currency():
    return settings.DEFAULT_CURRENCY


class User(AbstractUser):
    """A BankDash user: logs in by email; money is shown in their time zone and currency."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150)
    # No model choices: a list of every zone in the migrations would churn with tzdata; the
    # form and the service check the name (apps.core.dates.is_time_zone).
    time_zone = models.CharField(max_length=64, default=default_time_zone)
    default_currency = models.CharField(max_length=3, default=default_currency)
    # How numbers and dates are written for this customer (apps.users.locales).
    locale = models.CharField("number and date format", max_length=10, choices=Locale.choices,
                              default=DEFAULT_LOCALE)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
            # Stored in the normal form (UserManager.normalize_email): no upper-case letter and
            # no surrounding space, so an exact look-up finds it whoever wrote the row.
            models.CheckConstraint(condition=~Q(email__regex=r"[A-Z]|^\s|\s$"), name="users_user_email_normal_form"),
            models.CheckConstraint(
                condition=Q(default_currency__regex=r"^[A-Z]{3}$"), name="users_default_currency_iso4217"
            ),
            models.CheckConstraint(condition=Q(locale__in=Locale.values), name="users_locale_valid"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def zoneinfo(self):
        return zone_of(self)


class KnownDevice(models.Model):
    """A browser a user has signed in from: its family and system ("Firefox", "Linux") and a
    keyed hash of those with the user's IP network (a /24 for IPv4, a /48 for IPv6), so a sign-in
    from another browser or another network is recognised as new (apps.users.devices). No raw
    address is kept: the hash cannot be turned back into the network without the server's key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices")
    fingerprint = models.CharField(max_length=64, editable=False)
    browser = models.CharField(max_length=40)
    os = models.CharField("system", max_length=40)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="users_known_device_once_per_user"),
            models.CheckConstraint(condition=Q(last_seen__gte=models.F("first_seen")),
                                   name="users_known_device_seen_in_order"),
        ]

    def __str__(self):
        return f"{self.browser} on {self.os}"


class SignedInSession(models.Model):
    """A session a user signed in with, so the settings page can list where they are signed in
    and end any of them (apps.users.services.sessions_sign_out). The session itself lives in the
    session store (django_session, and Redis with REDIS_URL set): this row only names it, with
    the browser's family and system read at sign-in. A row whose session ended (logged out,
    idle, signed out from elsewhere) is left out of the list by a join with django_session and
    deleted by the daily clean-up. ``signed_in_at`` is empty for a session that was open before
    the list existed (migration 0008 found it in the session store). The key is never shown.
    ``network`` is the network the sign-in came from as the new-device alert names it
    ("203.0.113.0/24", apps.users.devices.network_of; empty when unknown): like KnownDevice,
    the row keeps no address of a customer, and it goes when the session ends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True, editable=False)
    browser = models.CharField(max_length=40)
    os = models.CharField("system", max_length=40)
    network = models.CharField(max_length=43, blank=True, default="")
    signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_in_at", "-id"]
        indexes = [models.Index(fields=["user", "-signed_in_at"], name="users_signed_in_by_user")]

    def __str__(self):
        return f"{self.browser} on {self.os}"
