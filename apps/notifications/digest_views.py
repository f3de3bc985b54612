"""The digest part of the notification settings (to be built): its own URLs, and
``section(request)``, the context of its block on the settings page
(templates notifications/_digest_section.html)."""

from __future__ import annotations

urlpatterns: list = []


def section(request) -> dict:
    return {}
