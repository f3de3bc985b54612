"""What every statement parser returns, and the reading of amounts and dates they share.

A parser is a pure function ``bytes -> ParsedFile``: no database, no user. Each row keeps the
line it came from and, when it cannot be read, the reason in words a customer understands
("31.09.2025 is not a date"); the service decides what the readable rows become.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.currencies import currency_codes
from apps.core.money import MAX_AMOUNT

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
TEXT_MAX = 255


class FileRefused(Exception):
    """The whole file cannot be imported; the message says why."""


@dataclass
class ParsedRow:
    line: int
    occurred_on: date | None = None
    amount: Decimal | None = None  # signed: + money in, - money out
    description: str = ""
    payee: str = ""
    category: str = ""
    account_ref: str = ""
    external_id: str = ""
    currency: str = ""  # the row's own currency, where the file says (a column, or a code beside the amount)
    balance: Decimal | None = None  # the bank's balance after this row, where a CSV says it
    error: str = ""


@dataclass
class ParsedFile:
    format: str  # "csv" | "ofx" | "qif" | "camt"
    rows: list[ParsedRow] = field(default_factory=list)
    account_ref: str = ""  # the statement's own account (OFX ACCTID, CAMT IBAN), if any
    currency: str = ""  # the statement's currency, if it says
    # The bank's balance of the account at the end of ``closing_on``, if the file says it (OFX's
    # LEDGERBAL, CAMT's closing balance, a CSV's balance column after its last day's last row).
    closing_balance: Decimal | None = None
    closing_on: date | None = None
    header: list[str] = field(default_factory=list)  # CSV only
    date_format: str = ""


def newest_first(first: date | None, last: date | None) -> bool:
    """Many banks list the newest entry first: such a file is walked (and posted) from its end, so
    the running balance follows time, not the page; its closing balance is its first row's."""
    return first is not None and last is not None and first > last


def clean_text(value, limit: int = TEXT_MAX) -> str:
    """One line of text: whitespace collapsed, control characters dropped, cut to ``limit``."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value or ""))
    return " ".join(text.split())[:limit]


# ---------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------

# The signs that name one currency; "$" and "¥" name several, so they say nothing.
_CURRENCY_SIGNS = {"€": "EUR", "£": "GBP"}
_CODE_IN_TEXT = re.compile(r"(?<![A-Za-z])([A-Za-z]{3})(?![A-Za-z])")


def currency_code(text: str) -> str:
    """A currency column's cell -> its ISO 4217 code ("eur", "€" -> "EUR"); "" for an empty cell.
    ValueError says what is wrong."""
    raw = (text or "").strip()
    if not raw:
        return ""
    code = _CURRENCY_SIGNS.get(raw, raw.upper())
    if code not in currency_codes():
        raise ValueError(_("%(value)s is not a currency code") % {"value": clean_text(raw, 20)})
    return code


def currency_in(text: str) -> str:
    """The currency an amount's cell names beside its figure ("12,50 EUR", "€12.50"), or ""."""
    raw = text or ""
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in raw:
            return code
    match = _CODE_IN_TEXT.search(raw)
    code = match.group(1).upper() if match else ""
    return code if code in currency_codes() else ""


_CURRENCY_NOISE = re.compile(r"[\s\u00a0\u202f'’$€£¥]|[A-Z]{3}", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r",\d{1,2}$")
_DECIMAL_POINT = re.compile(r"\.\d{1,2}$")


def guess_decimal_separator(values) -> str:
    """"," when the amounts end in ",dd" (1.234,56), "." otherwise; one answer for the whole file."""
    comma = point = 0
    for value in values:
        text = _CURRENCY_NOISE.sub("", value or "").strip("()+-")
        if _DECIMAL_COMMA.search(text):
            comma += 1
        elif _DECIMAL_POINT.search(text):
            point += 1
    return "," if comma > point else "."


def parse_amount(text: str, *, decimal_separator: str = ".") -> Decimal:
    """A statement amount -> signed Decimal: ``1,234.56``, ``1.234,56`` (with ``,``), ``-12.50``,
    ``12.50-``, ``(12.50)``, ``+5``, with or without a currency sign. ValueError says what is wrong."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError(_("the amount is empty"))
    body = _CURRENCY_NOISE.sub("", raw)
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1]
    if body[:1] in "+-\u2212" and body[:1]:
        negative, body = negative or body[0] != "+", body[1:]
    elif body[-1:] in ("-", "\u2212"):
        negative, body = True, body[:-1]
    thousands = "," if decimal_separator == "." else "."
    if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})*(?:{re.escape(decimal_separator)}\d+)?|"
                        rf"\d+(?:{re.escape(decimal_separator)}\d+)?|{re.escape(decimal_separator)}\d+", body):
        raise ValueError(_("%(value)s is not an amount") % {"value": clean_text(raw, 40)})
    body = body.replace(thousands, "").replace(decimal_separator, ".")
    try:
        amount = Decimal(body)
    except InvalidOperation:
        raise ValueError(_("%(value)s is not an amount") % {"value": clean_text(raw, 40)}) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("%(value)s has more than two decimals") % {"value": clean_text(raw, 40)})
    if amount >= MAX_AMOUNT:
        raise ValueError(_("%(value)s is too large") % {"value": clean_text(raw, 40)})
    return -amount if negative else amount


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

DATE_FORMATS = {
    "%Y-%m-%d": gettext_lazy("2025-01-31 (year-month-day)"),
    "%d/%m/%Y": gettext_lazy("31/01/2025 (day/month/year)"),
    "%m/%d/%Y": gettext_lazy("01/31/2025 (month/day/year)"),
    "%d.%m.%Y": gettext_lazy("31.01.2025 (day.month.year)"),
    "%d-%m-%Y": gettext_lazy("31-01-2025 (day-month-year)"),
    "%Y/%m/%d": gettext_lazy("2025/01/31 (year/month/day)"),
    "%d/%m/%y": gettext_lazy("31/01/25 (day/month/two-digit year)"),
    "%m/%d/%y": gettext_lazy("01/31/25 (month/day/two-digit year)"),
    "%d.%m.%y": gettext_lazy("31.01.25 (day.month.two-digit year)"),
    "%Y%m%d": gettext_lazy("20250131 (yyyymmdd)"),
    "%d %b %Y": "31 Jan 2025",  # strptime reads English month names only: shown as the file writes it
}


def parse_date(text: str, date_format: str) -> date:
    raw = clean_text(text, 40)
    try:
        return datetime.strptime(raw, date_format).date()
    except ValueError:
        raise ValueError(_("%(value)s is not a date") % {"value": raw} if raw else _("the date is empty")) from None


class AmbiguousDates(Exception):
    """More than one date format reads every date of the file (01/02/2025...)."""

    def __init__(self, formats):
        self.formats = formats
        super().__init__(_("The dates could be read in more than one way: choose the date format."))


def detect_date_format(values, formats=tuple(DATE_FORMATS)) -> str:
    """The one format that reads the most of ``values``; AmbiguousDates when several read as many."""
    values = [clean_text(v, 40) for v in values if (v or "").strip()][:2000]
    if not values:
        return formats[0]
    scores = {}
    for fmt in formats:
        ok = 0
        for value in values:
            try:
                datetime.strptime(value, fmt)
            except ValueError:
                continue
            ok += 1
        scores[fmt] = ok
    best = max(scores.values())
    if best == 0:
        return formats[0]
    winners = [fmt for fmt, score in scores.items() if score == best]
    if len(winners) > 1:
        raise AmbiguousDates(winners)
    return winners[0]
