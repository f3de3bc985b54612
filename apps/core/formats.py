"""Numbers, money and dates as the customer's locale writes them (issue 16, points 1 and 8).

One home for every figure and date a page, a message, an alert text or an email shows: the
locale of the request (the customer's choice in settings; before login, the browser's) is
set by ``apps.core.middleware.LocaleMiddleware`` and read here; outside a request (the
worker, a management command) ``use_locale`` sets it for a block. Formatting is Babel's
(CLDR data), with one pattern per locale for each kind of figure:

=========  ==================  =============  ==============  ================
locale     money               day            day, short      moment
=========  ==================  =============  ==============  ================
en-US      1,234.56 USD        Nov 29, 2026   Nov 29          Nov 29, 2026, 7:05 PM
en-GB      1,234.56 GBP        29 Nov 2026    29 Nov          29 Nov 2026, 19:05
de-DE      1.234,56 €          29.11.2026     29.11.          29.11.2026, 19:05
=========  ==================  =============  ==============  ================

English keeps the ISO code after the number (a customer with accounts in three currencies
reads "USD" unambiguously where "$" could be several); German writes the symbol, as German
banks do. A negative figure starts with a real minus sign (U+2212).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_currency, format_decimal, get_decimal_symbol, get_group_symbol
from django.utils import timezone

MINUS = "\u2212"
DEFAULT = "en-US"


@dataclass(frozen=True)
class LocaleFormats:
    babel: str  # Babel's name of the locale
    language: str  # the Django translation it uses
    decimal_separator: str
    money: str  # a CLDR number pattern; ¤ the symbol, ¤¤ the ISO code
    day: str
    day_short: str
    day_long: str
    month: str
    month_short: str
    moment: str


LOCALES = {
    "en-US": LocaleFormats("en_US", "en", ".", "#,##0.00\u00a0¤¤", "MMM d, yyyy", "MMM d", "EEE, MMM d, yyyy",
                           "MMMM yyyy", "MMM yyyy", "MMM d, yyyy, h:mm a"),
    "en-GB": LocaleFormats("en_GB", "en", ".", "#,##0.00\u00a0¤¤", "d MMM yyyy", "d MMM", "EEE d MMM yyyy",
                           "MMMM yyyy", "MMM yyyy", "d MMM yyyy, HH:mm"),
    "de-DE": LocaleFormats("de_DE", "de", ",", "#,##0.00\u00a0¤", "dd.MM.yyyy", "dd.MM.", "EEE, dd.MM.yyyy",
                           "MMMM yyyy", "MMM yyyy", "dd.MM.yyyy, HH:mm"),
}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("bankdash_locale", default=DEFAULT)


def current() -> LocaleFormats:
    return LOCALES.get(_current.get(), LOCALES[DEFAULT])


def current_code() -> str:
    return _current.get()


@contextlib.contextmanager
def use_locale(code: str | None):
    """Format as ``code`` ("de-DE") inside the block (an unknown code: the default)."""
    token = _current.set(code if code in LOCALES else DEFAULT)
    try:
        yield LOCALES[_current.get()]
    finally:
        _current.reset(token)


def activate(code: str | None) -> contextvars.Token:
    """Format as ``code`` until ``deactivate(token)`` (the middleware's per-request switch)."""
    return _current.set(code if code in LOCALES else DEFAULT)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


# ---------------------------------------------------------------------------
# Numbers and money
# ---------------------------------------------------------------------------

# Babel (the reference: apps/core/tests/test_formats_fast.py compares every locale) parses the locale and
# the pattern on every call: 0.1-0.2 ms, 50 to 80 times on a list or dashboard page (issue 17).
# Our patterns are all "#,##0.00" with the symbol or code after (or before) the number, so a
# figure is Python's own "{:,.2f}" (the same half-even rounding, the same sign of a rounded
# zero) with the locale's separators swapped in, and the symbol's place read once from Babel.

@functools.cache
def _separators(babel_locale: str) -> dict[int, str]:
    return str.maketrans({",": get_group_symbol(babel_locale), ".": get_decimal_symbol(babel_locale), "-": MINUS})


@functools.cache
def _money_affixes(code: str, currency: str) -> tuple[str, str]:
    """What Babel writes before and after the number for ``currency`` in locale ``code``."""
    fmt = LOCALES[code]
    one = format_decimal(Decimal("1.00"), format="#,##0.00", locale=fmt.babel, decimal_quantization=True)
    text = format_currency(Decimal("1.00"), currency, format=fmt.money, locale=fmt.babel, currency_digits=False)
    before, _, after = text.replace("\u00a0", " ").partition(one)
    return before, after


def _number(value: Decimal, places: str, babel_locale: str) -> tuple[str, str]:
    """(sign, digits) of ``value`` rounded half-even: ("−", "1,234.50") in en."""
    text = format(value, places)
    sign = ""
    if text[0] == "-":
        sign, text = MINUS, text[1:]
    return sign, text.translate(_separators(babel_locale))


def format_amount(value) -> str:
    """``Decimal("-1234.5")`` -> ``"−1,234.50"`` (en) / ``"−1.234,50"`` (de)."""
    sign, digits = _number(Decimal(value), ",.2f", current().babel)
    return sign + digits


def format_money(value, currency: str = "") -> str:
    """``Decimal("1234.5"), "USD"`` -> ``"1,234.50 USD"`` (en) / ``"1.234,50 $"`` (de)."""
    if not currency:
        return format_amount(value)
    code = _current.get()
    if code not in LOCALES:
        code = DEFAULT
    sign, digits = _number(Decimal(value), ",.2f", LOCALES[code].babel)
    before, after = _money_affixes(code, currency)
    return f"{sign}{before}{digits}{after}"


def money_pattern(currency: str) -> dict[str, str]:
    """How ``format_money`` writes ``currency`` in the active language, for a script that writes
    amounts of its own as the page does: ``{"before": "", "group": ",", "decimal": ".", "after":
    " USD"}`` (en) / ``{"before": "", "group": ".", "decimal": ",", "after": " $"}`` (de)."""
    code = _current.get()
    if code not in LOCALES:
        code = DEFAULT
    before, after = _money_affixes(code, currency)
    separators = _separators(LOCALES[code].babel)
    return {"before": before, "group": separators[ord(",")], "decimal": separators[ord(".")], "after": after}


def format_signed(value, currency: str = "") -> str:
    """An effect on a balance: ``+1,200.00 USD`` or ``−45.10 USD``."""
    value = Decimal(value)
    return f"{'+' if value >= 0 else MINUS}{format_money(abs(value), currency)}"


def format_count(value) -> str:
    """A whole number (points, rows, days): ``1520`` -> ``"1,520"`` (en) / ``"1.520"`` (de)."""
    sign, digits = _number(int(value), ",d", current().babel)
    return sign + digits


def currency_unit(currency: str) -> str:
    """What follows a figure in ``currency`` on a page: "USD" (en), "€" (de)."""
    return format_money(0, currency).rpartition(" ")[2]


def decimal_separator() -> str:
    return current().decimal_separator


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

def _date(value, pattern: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _babel_date(value, pattern, current().babel)


@functools.lru_cache(maxsize=4096)
def _babel_date(value: date, pattern: str, babel_locale: str) -> str:
    """Babel parses the locale and the pattern on every call; a page writes the same few dates
    many times (25 rows, a month of days): each (day, pattern, locale) is formatted once per process."""
    return babel_date(value, format=pattern, locale=babel_locale)


def format_day(value: date | datetime | None) -> str:
    return _date(value, current().day)


def format_day_short(value) -> str:
    return _date(value, current().day_short)


def format_day_long(value) -> str:
    return _date(value, current().day_long)


def format_month(value) -> str:
    """The month of ``value``: "November 2026"."""
    return _date(value, current().month)


def format_month_short(value) -> str:
    return _date(value, current().month_short)


def format_moment(value: datetime | None) -> str:
    """A point in time in the current time zone: "Nov 29, 2026, 7:05 PM"."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return babel_datetime(value, format=current().moment, locale=current().babel).replace("\u202f", " ")


@contextlib.contextmanager
def for_user(user):
    """The language and formats of ``user`` (their locale) inside the block, whoever is logged
    in or none: alert texts written for a customer, emails and pushes sent by the worker."""
    from django.utils import translation

    code = getattr(user, "locale", None) or DEFAULT
    with translation.override(LOCALES.get(code, LOCALES[DEFAULT]).language), use_locale(code):
        yield
