"""Currency codes: ISO 4217, from pycountry's maintained list."""

from __future__ import annotations

from functools import cache

import pycountry
from babel.numbers import get_currency_name
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import formats

# Funds, precious metals and test codes are ISO 4217 entries but no account is kept in them.
NOT_MONEY = {"XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA"}


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies) - NOT_MONEY


def currency_choices() -> list[tuple[str, str]]:
    """Every currency as "EUR – Euro", its name in the reader's language (CLDR through Babel;
    pycountry's English name where CLDR has none)."""
    locale = formats.current().babel
    return sorted((c.alpha_3, f"{c.alpha_3} – {get_currency_name(c.alpha_3, locale=locale) or c.name}")
                  for c in pycountry.currencies if c.alpha_3 in currency_codes())


def clean_currency(value, *, field: str = "currency") -> str:
    """A currency code as typed ("usd", " EUR ") -> "USD"; ValidationError for anything that is
    not an ISO 4217 code ("XYZ", "ÄÖÜ", "US")."""
    code = (value or "").strip().upper() if isinstance(value, str) else ""
    if code not in currency_codes():
        raise ValidationError({field: _("“%(value)s” is not a currency code we know: enter an ISO 4217 code, "
                                        "for example USD, EUR or GBP.") % {"value": str(value)[:10]}})
    return code


def currency_order(currencies, default: str) -> list[str]:
    """The default currency first, then the others A-Z: the order every per-currency figure is shown in."""
    return sorted(set(currencies), key=lambda code: (code != default, code))
