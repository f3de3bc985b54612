from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm

from apps.core.dates import time_zone_choices
from apps.core.forms import CurrencyField

from . import services
from .models import User


class UserProfileChangeForm(UserChangeForm):
    """Staff pick the time zone from the IANA list and the currency from ISO 4217's, as customers do."""

    time_zone = forms.ChoiceField(choices=time_zone_choices)
    default_currency = CurrencyField()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserProfileChangeForm
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "time_zone", "default_currency", "locale")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),
    )
    actions = ["sign_out_everywhere"]

    def has_sign_out_permission(self, request):
        return request.user.has_perm("users.delete_signedinsession")

    @admin.action(permissions=["sign_out"], description="Sign out of every session (a lost phone, a stolen laptop)")
    def sign_out_everywhere(self, request, queryset):
        ended = {user.email: services.sessions_sign_out(user=user, by=request.user, reason="admin")
                 for user in queryset.order_by("email")}
        total = sum(len(rows) for rows in ended.values())
        signed_out = ", ".join(email for email, rows in ended.items() if rows) or "nobody"
        self.message_user(request, f"Signed out {total} {'session' if total == 1 else 'sessions'}: {signed_out}.",
                          messages.SUCCESS)


# django-axes registers its own admin for the attempts (axes comes before apps.users in
# INSTALLED_APPS); this one adds the unlocks support staff need.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed logins in the cool-off window. An account's lock adds up its attempts from
    every IP, an IP's lock those on every account: "Unlock" lifts the whole lock, not one row.
    The same from a shell: ``manage.py login_unlock --email ... --ip ...``."""

    actions = ["unlock_accounts", "unlock_addresses", "cleanup_expired_attempts"]

    @admin.action(permissions=["delete"], description="Unlock the accounts (every attempt on their emails)")
    def unlock_accounts(self, request, queryset):
        self._unlock(request, queryset, emails=set(queryset.exclude(username=None).values_list("username", flat=True)))

    @admin.action(permissions=["delete"], description="Unlock the IP addresses (every attempt from them)")
    def unlock_addresses(self, request, queryset):
        self._unlock(request, queryset, ips=set(queryset.exclude(ip_address=None).values_list("ip_address", flat=True)))

    def _unlock(self, request, queryset, *, emails=(), ips=()):
        # Recorded like a deletion (the audit trail copies the admin's log).
        self.log_deletions(request, queryset)
        count = sum(services.login_unlock(email=email) for email in emails)
        count += sum(services.login_unlock(ip_address=ip) for ip in ips)
        unlocked = ", ".join(sorted(emails) + sorted(ips))
        self.message_user(request, f"Unlocked {unlocked} ({count} attempt records removed).", messages.SUCCESS)
