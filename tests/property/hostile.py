"""Hostile values for hypothesis: what customers, scripts and attackers type into forms.

Every value is a string (that is what a browser sends); some strategies also send a
field twice (a list) or leave it out, which a form must survive as well.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from tests.conftest import HOSTILE_VALUES, add_to_figure

NUMBERS = [
    "0", "-0", "-0.00", "0.00", "0.001", "0.005", "1e-7", "-1", "-10.00", "1e309", "-1e309", "1E+2", "5e2",
    "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "-inf", "∞",
    "999999999999.99", "1000000000000", "999999999999999999999999999999", "1" + "0" * 400,
    "12.345", "12.5.5", "1,000.00", "1_000", "0x10", "+5", " 12.50 ", "12,50", "١٢٣", "²", "½", "１２", "--5",
    "9" * 100 + ".99", "0." + "0" * 300 + "1", "2147483648", "-2147483649", "9223372036854775808",
]
DATES = [
    "2025-02-30", "2025-02-29", "2024-02-29", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
    "2025-13-01", "2025-00-10", "2025-1-1", "31/12/2025", "12/31/2025", "-2025-01-01", "2025-01-01T00:00:00",
    "1970-01-01", "today", "2025-06", "2025", "20250101", "2025-06-15' OR '1'='1",
]
MARKUP = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<svg/onload=alert(1)>",
    "javascript:alert(1)", "{{ 7*7 }}", "{% debug %}", "${7*7}", "</textarea><script>alert(1)</script>",
    "<a href='//evil.example'>click</a>", "&lt;script&gt;",
]
SQL = [
    "' OR 1=1 --", "'; DROP TABLE accounts_account; --", "1; SELECT pg_sleep(5)", "\" OR \"\"=\"",
    "1 UNION SELECT password FROM users_user", "%", "_", "\\", "' AND 1=(SELECT COUNT(*) FROM pg_user) --",
]
UNICODE = [
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "👩‍👩‍👧‍👦💸", "\u202egnp.exe", "zero\u200bwidth", "Ｆｕｌｌｗｉｄｔｈ", "e\u0301\u0301\u0301",
    "ﷺ", "ß", "İstanbul", "\ufeffbom", "\u0000", "nul\x00inside", "tab\tnew\nline\r\n", " ", "\u00a0",
    "²³¹⁴", "١٢٣٤", "１２３４", "12-34 ²²²²",  # digits to str.isdigit(), not to [0-9]
]
IDS = ["-1", "0", "1.5", "abc", "null", "None", "[]", "{}", "99999999999999999999", "1e3", "0x1", " 1"]
LONG = ["A" * 10_240, "é" * 10_240, "<b>" * 3_500, "9" * 10_240]

CATALOGUE = NUMBERS + DATES + MARKUP + SQL + UNICODE + IDS + LONG

# Lone surrogates cannot be encoded as UTF-8 by any client: leave them out.
_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)


def hostile_value():
    return st.one_of(
        st.sampled_from(CATALOGUE),
        _text,
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(str),
        st.text(alphabet=string.digits + ".-eE+", max_size=40),
    )


def typed_catalogue(field) -> list[str]:
    """The catalogue entries that aim at this kind of field."""
    from django import forms

    from apps.core.forms import MoneyField

    if isinstance(field, (forms.DecimalField, forms.IntegerField, forms.FloatField, MoneyField)):
        return NUMBERS
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        return DATES
    if isinstance(field, (forms.ModelChoiceField, forms.UUIDField)):
        return IDS + NUMBERS[:12]
    if isinstance(field, forms.ChoiceField):
        return IDS + MARKUP[:3] + SQL[:3]
    return MARKUP + SQL + UNICODE + LONG


def sweep_catalogue(field) -> list[str]:
    """The deterministic sweep: every aimed value for numbers, dates and choices; for
    free text a representative handful (free text is mostly stored as is)."""
    from django import forms

    if type(field) is forms.CharField or isinstance(field, forms.EmailField):
        return [MARKUP[0], SQL[1], "nul\x00inside", "²³¹⁴", "١٢٣٤", "\u202egnp.exe", LONG[0], LONG[1]]
    return typed_catalogue(field)


def hostile_field_value(field=None, extra=()):
    """A value for one form field: often one aimed at its type (``extra``: e.g. another
    customer's ids), else anything hostile; sometimes the field sent twice."""
    aimed = typed_catalogue(field) + list(extra) if field is not None else CATALOGUE
    return st.one_of(
        st.sampled_from(aimed), st.sampled_from(aimed), hostile_value(),
        st.lists(hostile_value(), min_size=2, max_size=3),
    )


def count_hostile_request(values: int) -> None:
    """Count what was thrown at the application (the total is printed
    in the terminal summary and written to test-artifacts/hostile_inputs.txt)."""
    add_to_figure("hostile requests sent (forms, JSON, query strings, services)", 1)
    add_to_figure(HOSTILE_VALUES, values)
