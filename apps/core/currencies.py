"""Currency codes: ISO 4217, from pycountry's maintained list."""

from __future__ import annotations

from functools import cache

import pycountry
from django.core.exceptions import ValidationError

# Funds, precious metals and test codes are ISO 4217 entries but no account is kept in them.
NOT_MONEY = {"XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA"}


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies) - NOT_MONEY


def currency_choices() -> list[tuple[str, str]]:
    return sorted((c.alpha_3, f"{c.alpha_3} – {c.name}") for c in pycountry.currencies
                  if c.alpha_3 in currency_codes())


def clean_currency(value, *, field: str = "currency") -> str:
    """A currency code as typed ("usd", " EUR ") -> "USD"; ValidationError for anything that is
    not an ISO 4217 code ("XYZ", "ÄÖÜ", "US")."""
    code = (value or "").strip().upper() if isinstance(value, str) else ""
    if code not in currency_codes():
        raise ValidationError({field: f"“{str(value)[:10]}” is not a currency code we know: enter an ISO 4217 code, "
                                      "for example USD, EUR or GBP."})
    return code


def currency_order(currencies, default: str) -> list[str]:
    """The default currency first, then the others A-Z: the order every per-currency figure is shown in."""
    return sorted(set(currencies), key=lambda code: (code != default, code))
