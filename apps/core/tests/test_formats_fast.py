"""apps.core.formats writes money and whole numbers without calling Babel per figure (issue 17):
what it writes must be exactly what Babel writes with the locale's pattern, for every locale,
any currency and any value a page can show (rounding, negative zero, millions)."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core import formats

CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "BHD", "SEK"]
amounts = st.one_of(*(st.decimals(min_value=Decimal("-99999999999999.99"), max_value=Decimal("99999999999999.99"),
                                   allow_nan=False, allow_infinity=False, places=places) for places in range(5)))


def babel_money(value, currency, code):
    fmt = formats.LOCALES[code]
    if not currency:
        text = format_decimal(Decimal(value), format="#,##0.00", locale=fmt.babel, decimal_quantization=True)
    else:
        text = format_currency(Decimal(value), currency, format=fmt.money, locale=fmt.babel, currency_digits=False)
    return text.replace("-", formats.MINUS).replace("\u00a0", " ")


@settings(max_examples=300)
@given(value=amounts, currency=st.sampled_from(["", *CURRENCIES]), code=st.sampled_from(sorted(formats.LOCALES)))
def test_money_is_what_babel_writes(value, currency, code):
    with formats.use_locale(code):
        assert formats.format_money(value, currency) == babel_money(value, currency, code)


@given(value=st.integers(min_value=-10**12, max_value=10**12), code=st.sampled_from(sorted(formats.LOCALES)))
def test_counts_are_what_babel_writes(value, code):
    expected = format_decimal(value, format="#,##0", locale=formats.LOCALES[code].babel).replace("-", formats.MINUS)
    with formats.use_locale(code):
        assert formats.format_count(value) == expected


@pytest.mark.parametrize(("code", "value", "currency", "expected"), [
    ("en-US", "1234.5", "USD", "1,234.50 USD"),
    ("en-US", "-0.004", "USD", "−0.00 USD"),  # Babel keeps the sign of a value rounded to zero
    ("en-US", "0.005", "USD", "0.00 USD"),  # half-even, as Babel
    ("en-US", "0.015", "USD", "0.02 USD"),
    ("en-GB", "-1234567.891", "GBP", "−1,234,567.89 GBP"),
    ("de-DE", "1234.5", "EUR", "1.234,50 €"),
    ("de-DE", "-12.5", "USD", "−12,50 $"),
    ("de-DE", "1234.5", "", "1.234,50"),
])
def test_examples(code, value, currency, expected):
    with formats.use_locale(code):
        assert formats.format_money(Decimal(value), currency) == expected
