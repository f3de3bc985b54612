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
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_currency, format_decimal
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

def _signed(text: str) -> str:
    return text.replace("-", MINUS)


def format_amount(value) -> str:
    """``Decimal("-1234.5")`` -> ``"−1,234.50"`` (en) / ``"−1.234,50"`` (de)."""
    return _signed(format_decimal(Decimal(value), format="#,##0.00", locale=current().babel,
                                  decimal_quantization=True))


def format_money(value, currency: str = "") -> str:
    """``Decimal("1234.5"), "USD"`` -> ``"1,234.50 USD"`` (en) / ``"1.234,50 $"`` (de)."""
    if not currency:
        return format_amount(value)
    text = format_currency(Decimal(value), currency, format=current().money, locale=current().babel,
                           currency_digits=False)
    return _signed(text).replace("\u00a0", " ")


def format_signed(value, currency: str = "") -> str:
    """An effect on a balance: ``+1,200.00 USD`` or ``−45.10 USD``."""
    value = Decimal(value)
    return f"{'+' if value >= 0 else MINUS}{format_money(abs(value), currency)}"


def format_count(value) -> str:
    """A whole number (points, rows, days): ``1520`` -> ``"1,520"`` (en) / ``"1.520"`` (de)."""
    return _signed(format_decimal(int(value), format="#,##0", locale=current().babel))


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
    return babel_date(value, format=pattern, locale=current().babel)


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
