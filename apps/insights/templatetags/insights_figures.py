"""``{% figure f "What" %}``: an Insights figure as a link to the transactions that make it up
(``data-figure``, ``data-currency`` and ``data-total`` say which list total equals it), or as
plain text when it is zero (an empty list has no total to show). Also ``|period_label``: a
budget's period as the customer's language names it, and ``|currency_unit``."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from apps.budgets.models import BudgetPeriod
from apps.core import formats
from apps.core.dates import parse_month
from apps.core.money import format_money

register = template.Library()


def _month_text(label: str) -> str:
    """A figure's "2025-11" filter as the customer reads it: "November 2025"."""
    try:
        return formats.format_month(parse_month(label))
    except ValueError:
        return label


@register.simple_tag(takes_context=True)
def figure(context, f, what: str = ""):
    if not f.amount:
        return format_html('<span class="money text-body-secondary">{}</span>', format_money(f.amount, ""))
    label = ""
    if what:  # what the figure is, and its month: a screen reader lists links out of their table
        month = dict(f.filters).get("month", "")
        amount = format_money(f.amount, f.currency)
        text = (_("%(what)s, %(month)s: %(amount)s, see the entries") % {
                    "what": what, "month": _month_text(month), "amount": amount} if month
                else _("%(what)s: %(amount)s, see the entries") % {"what": what, "amount": amount})
        label = format_html(' aria-label="{}"', text)
    return format_html(
        '<a href="{}?{}" class="figure-link money" data-figure="{}" data-currency="{}" data-total="{}"{}>{}</a>',
        context["list_url"], f.query, str(f.amount), f.currency, f.total, label, format_money(f.amount, ""),
    )


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
