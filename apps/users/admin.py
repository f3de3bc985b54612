from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm

from apps.core.dates import time_zone_choices
from apps.core.forms import CurrencyField

from .models import User


class UserProfileChangeForm(UserChangeForm):
    """Staff pick the time zone from the IANA list and type an ISO 4217 currency, as customers do."""

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
        ("Profile", {"fields": ("display_name", "time_zone", "default_currency")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),
    )
