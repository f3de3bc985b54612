"""An Insights figure's markup (apps.insights.page_body.figure_html): its link, its escaping,
and a month named in the locale of the page being made (it names each month once per locale,
issue 17)."""

from __future__ import annotations

from decimal import Decimal as D

from django.utils import translation

from apps.core import formats
from apps.insights.page_body import figure_html
from apps.insights.selectors import Figure


def render(f: Figure, what: str = "", *, locale: str = "en-US", list_url: str = "/transactions/") -> str:
    with formats.use_locale(locale), translation.override(locale.split("-")[0]):
        return figure_html(f, what, list_url=list_url)


def test_a_figure_is_a_link_to_its_entries_with_its_total_and_what_it_is():
    f = Figure(D("1234.50"), "USD", (("month", "2026-03"), ("kind", "expense")), "out")
    assert render(f, "Groceries & more") == (
        '<a href="/transactions/?month=2026-03&amp;kind=expense" class="figure-link money" data-figure="1234.50" '
        'data-currency="USD" data-total="out" aria-label="Groceries &amp; more, March 2026: 1,234.50 USD, see the '
        'entries">1,234.50</a>')


def test_a_zero_is_plain_text():
    assert render(Figure(D("0"), "USD", (("month", "2026-03"),))) == (
        '<span class="money text-body-secondary">0.00</span>')


def test_what_is_filled_in_is_escaped():
    f = Figure(D("5"), "USD", (("q", '"><script>'),), "in")
    html = render(f, '<b>"Kids\'" stuff</b>', list_url='/t/"x')
    assert "<script>" not in html and "<b>" not in html
    assert 'href="/t/&quot;x?q=%22%3E%3Cscript%3E"' in html
    assert 'aria-label="&lt;b&gt;&quot;Kids&#x27;&quot; stuff&lt;/b&gt;: 5.00 USD, see the entries"' in html


def test_the_month_is_named_in_the_locale_of_each_page():
    f = Figure(D("10"), "EUR", (("month", "2026-03"),), "out")
    assert "March 2026" in render(f, "Food")
    german = render(f, "Essen", locale="de-DE")
    assert "März 2026" in german and "10,00" in german
    assert "March 2026" in render(f, "Food")  # and English again: one name per locale, not the first one made


def test_a_month_that_cannot_be_read_is_shown_as_it_is():
    f = Figure(D("10"), "USD", (("month", "2026-13"),), "out")
    assert 'aria-label="Food, 2026-13: 10.00 USD, see the entries"' in render(f, "Food")
