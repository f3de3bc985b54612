"""Money: how it is read from what a customer types, checked, and written out.

One rule for reading: ASCII digits, at most one decimal separator (the locale's: "12.50", or "12,50" for a
German customer) and at most two decimals; nothing else. "12,50", "1e3",
"1_000", "١٠٠" and "５" are refused with a message, never reinterpreted (a browser's
number input would silently turn "12,50" into 1250). One formatter for writing, used by
templates, messages and alert texts alike: grouping and a real minus sign (U+2212).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Writing money is the locale's business: one formatter for templates, messages, alert texts
# and emails, in apps.core.formats (Babel), re-exported here where the ledger code looks for it.
from . import formats
from .formats import format_amount, format_money, format_signed  # noqa: F401

CENT = Decimal("0.01")
# NUMERIC(14, 2): the largest balance, amount or limit a column holds is below 10^12.
MAX_AMOUNT = Decimal("1e12")
MINUS = "\u2212"


def parse_money(text, *, allow_negative: bool = False, decimal_separator: str = ".",
                allow_grouping: bool = False) -> Decimal:
    """What the customer typed -> Decimal, or ValueError with a message that shows what to type.
    ``allow_grouping``: thousands separators are read where they group thousands ("1,450.00",
    "1.450,00" with a decimal comma), as a figure copied from a page has them."""
    raw = (text or "").strip()
    body = raw
    sign = ""
    if body[:1] in ("-", MINUS):
        if not allow_negative:
            raise ValueError(_("Enter the amount without a minus sign."))
        sign, body = "-", body[1:].lstrip()
    other = "," if decimal_separator == "." else "."
    grouped = rf"[0-9]{{1,3}}(?:{re.escape(other)}[0-9]{{3}})+(?:{re.escape(decimal_separator)}[0-9]+)?"
    if allow_grouping and re.fullmatch(grouped, body):
        body = body.replace(other, "")
    pattern = rf"[0-9]+(?:{re.escape(decimal_separator)}[0-9]+)?|{re.escape(decimal_separator)}[0-9]+"
    if re.fullmatch(pattern, body):
        whole, _separator, decimals = body.partition(decimal_separator)
        if len(decimals) > 2:
            raise ValueError(_("Use at most two decimal places (cents)."))
        return Decimal(f"{sign}{whole or '0'}.{decimals or '0'}")
    example = f"12{decimal_separator}50"
    if re.fullmatch(rf"[0-9]+{re.escape(other)}[0-9]{{1,2}}", body):
        raise ValueError(_("%(typed)s: use %(suggested)s.") % {
            "typed": raw, "suggested": f"{sign}{body.replace(other, decimal_separator)}"})
    if re.fullmatch(grouped, body):
        raise ValueError(_("%(typed)s: use %(suggested)s, without thousands separators.") % {
            "typed": raw, "suggested": f"{sign}{body.replace(other, '')}"})
    raise ValueError(_("Enter an amount as a number, for example %(example)s.") % {"example": example})


def cents(amount, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A Decimal amount checked for the ledger: finite, > 0 (or >= 0), below MAX_AMOUNT,
    at most two decimals. ValidationError keyed by ``field`` otherwise."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount as a number, for example %(example)s.")
                               % {"example": f"12{formats.decimal_separator()}50"}}) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("Enter an amount greater than zero.")})
    if amount >= MAX_AMOUNT:  # first: quantizing 1e309 to cents raises InvalidOperation
        raise ValidationError({field: _("That amount is too large.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("Use at most two decimal places (cents).")})
    return amount.quantize(CENT)
