"""Addresses of the users app's pages that other apps link to (one home each)."""

from django.urls import reverse

SESSIONS_FRAGMENT = "sessions-heading"  # the id of the settings page's "Where you are signed in" heading


def sessions_path() -> str:
    """The settings page, scrolled to where the user is signed in (a sign-in alert's link and
    where signing a session out returns)."""
    return f"{reverse('settings')}#{SESSIONS_FRAGMENT}"
