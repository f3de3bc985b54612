from django.apps import AppConfig


class ProfileConfig(AppConfig):
    """The settings pages that reach into every app a customer owns something in: exporting
    all of it, and closing the profile. Sits above them all (like the dashboard); nothing
    imports it. The profile block and the email change live in apps.users."""

    name = "apps.profile"
    label = "profile"
    verbose_name = "Profile export and closing"
