"""``{% figure f "What" %}`` (and ``figure_html``, for the page's Jinja2 sections:
apps.insights.page_body): an Insights figure as a link to the transactions that make it up
(``data-figure``, ``data-currency`` and ``data-total`` say which list total equals it), or as
plain text when it is zero (an empty list has no total to show). Also ``|period_label``: a
budget's period as the customer's language names it, and ``|currency_unit``.

The page shows some 150 figures (issue 17: the tag was a third of the page's first visit), so
the tag escapes each value itself, as ``format_html`` did, and writes the markup as one string;
it names each month once per locale."""

from functools import lru_cache

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.budgets.models import BudgetPeriod
from apps.core import formats
from apps.core.dates import parse_month
from apps.core.money import format_money

register = template.Library()


@lru_cache(maxsize=512)
def _month_text(label: str, locale: str) -> str:
    """A figure's "2025-11" filter as the customer reads it: "November 2025" (``locale``: the
    active one of apps.core.formats, which writes it)."""
    try:
        return formats.format_month(parse_month(label))
    except ValueError:
        return label


def figure_html(f, what: str = "", *, list_url: str) -> str:
    """The figure's HTML, every value in it escaped: for the tag and for the page's Jinja2
    sections (apps.insights.page_body)."""
    shown = escape(format_money(f.amount, ""))
    if not f.amount:
        return f'<span class="money text-body-secondary">{shown}</span>'
    label = ""
    if what:  # what the figure is, and its month: a screen reader lists links out of their table
        month = dict(f.filters).get("month", "")
        amount = format_money(f.amount, f.currency)
        text = (_("%(what)s, %(month)s: %(amount)s, see the entries") % {
                    "what": what, "month": _month_text(month, formats.current_code()), "amount": amount} if month
                else _("%(what)s: %(amount)s, see the entries") % {"what": what, "amount": amount})
        label = f' aria-label="{escape(text)}"'
    return (f'<a href="{escape(list_url)}?{escape(f.query)}" class="figure-link money" '
            f'data-figure="{escape(str(f.amount))}" data-currency="{escape(f.currency)}" data-total="{escape(f.total)}"'
            f'{label}>{shown}</a>')


@register.simple_tag(takes_context=True)
def figure(context, f, what: str = ""):
    return mark_safe(figure_html(f, what, list_url=context["list_url"]))  # noqa: S308 (every value escaped)


@register.filter
def period_label(value):
    """"monthly" -> "monthly" / "monatlich": the budget's period, in lower case as a phrase."""
    try:
        return str(BudgetPeriod(value).label).lower()
    except ValueError:
        return value


@register.filter
def currency_unit(currency):
    """What the page writes after a figure in ``currency``: "USD" (en), "€" (de)."""
    return formats.currency_unit(currency)
