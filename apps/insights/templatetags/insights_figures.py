"""``{% figure f "What" %}``: an Insights figure as a link to the transactions that make it up
(``data-figure``, ``data-currency`` and ``data-total`` say which list total equals it), or as
plain text when it is zero (an empty list has no total to show)."""

from django import template
from django.utils.html import format_html

from apps.core.money import format_money

register = template.Library()


@register.simple_tag(takes_context=True)
def figure(context, f, what: str = ""):
    if not f.amount:
        return format_html('<span class="money text-body-secondary">{}</span>', format_money(f.amount, ""))
    label = ""
    if what:  # what the figure is, and its month: a screen reader lists links out of their table
        month = dict(f.filters).get("month", "")
        label = format_html(' aria-label="{}{}: {}, see the entries"', what, f", {month}" if month else "",
                            format_money(f.amount, f.currency))
    return format_html(
        '<a href="{}?{}" class="figure-link money" data-figure="{}" data-currency="{}" data-total="{}"{}>{}</a>',
        context["list_url"], f.query, str(f.amount), f.currency, f.total, label, format_money(f.amount, ""),
    )
