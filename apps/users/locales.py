"""The number and date formats a customer can choose (their "locale"), and the one a new
customer starts with, read from the browser's Accept-Language header."""

from __future__ import annotations

from babel.core import get_global
from babel.numbers import get_territory_currencies
from django.db import models
from django.utils.translation.trans_real import parse_accept_lang_header

from apps.core.currencies import currency_codes

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


def currency_from_accept_language(header: str | None, *, default: str) -> str:
    """The currency of the country the browser names first ("de-CH" -> CHF, "en-GB" -> GBP),
    or of the country a bare language is most spoken in ("de" -> Germany -> EUR, "en" ->
    the United States -> USD; CLDR's likely subtags, through Babel); ``default`` when the header
    names none, or a currency we do not know."""
    likely = get_global("likely_subtags")
    for tag, _quality in parse_accept_lang_header((header or "")[:500]):
        parts = tag.replace("_", "-").split("-")
        territory = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
        if territory is None:
            subtags = likely.get(parts[0].lower(), "").split("_")
            territory = next((p for p in subtags[1:] if len(p) == 2 and p.isalpha()), None)
        if territory is None:
            continue
        for code in get_territory_currencies(territory, tender=True):  # as of today
            if code in currency_codes():
                return code
    return default
