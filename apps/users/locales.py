"""The number and date formats a customer can choose (their "locale"), and the one a new
customer starts with, read from the browser's Accept-Language header."""

from __future__ import annotations

from django.db import models
from django.utils.translation.trans_real import parse_accept_lang_header

DEFAULT_LOCALE = "en-US"


class Locale(models.TextChoices):
    EN_US = "en-US", "English (United States): 1,234.56 · 12/31/2026"
    EN_GB = "en-GB", "English (United Kingdom): 1,234.56 · 31/12/2026"
    DE_DE = "de-DE", "Deutsch (Deutschland): 1.234,56 · 31.12.2026"


def locale_from_accept_language(header: str | None) -> str:
    """The offered locale the browser prefers most: an exact match ("en-GB"), else one of the
    same language ("de-AT" -> "de-DE", "en" -> "en-US"); DEFAULT_LOCALE when none fits."""
    by_language: dict[str, str] = {}
    for code in Locale.values:
        by_language.setdefault(code.split("-")[0].lower(), code)
    exact = {code.lower(): code for code in Locale.values}
    for tag, _quality in parse_accept_lang_header((header or "")[:500]):
        tag = tag.lower()
        if tag in exact:
            return exact[tag]
        language = tag.split("-")[0]
        if language in by_language:
            return by_language[language]
    return DEFAULT_LOCALE
