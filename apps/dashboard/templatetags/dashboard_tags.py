from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

from apps.budgets.models import BudgetPeriod
from apps.core import formats
from apps.core.money import format_money

register = template.Library()


@register.filter
def absolute(value):
    """|x| for "120.00 more/less than last month" and "over budget by 30.00"."""
    try:
        return abs(value)
    except TypeError:
        return value


@register.filter
def budget_level(status):
    """Bootstrap colour of a budget: green, amber past the warning threshold, red when exceeded."""
    if status.exceeded:
        return "danger"
    return "warning" if status.warning else "success"


@register.filter
def bar_width(status):
    """Whole percent 0..100, drawn with a class from budgets/budgets.css (the CSP forbids inline styles)."""
    return int(min(status.percent_used, Decimal(100)).to_integral_value())


@register.filter
def aria_max(status):
    """aria-valuemax: the scale grows past 100 so an exceeded budget's real share stays in range."""
    return max(status.percent_used, Decimal(100))


@register.filter
def whole_percent(value):
    """``Decimal("62.5")`` -> ``"63"``: what ``floatformat:"0"`` wrote (half up, no grouping),
    without its number-formatting machinery on every budget."""
    try:
        return str(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))
    except (TypeError, ArithmeticError, ValueError):
        return ""


@register.filter
def money_display(value, currency):
    """A big figure with its currency set smaller: ``100.00 <span class="fs-6">USD</span>``
    (en) / ``100,00 <span class="fs-6">€</span>`` (de): the one formatter's text, split
    at the space before the currency."""
    if value is None or value == "":
        return ""
    number, _, unit = format_money(value, currency).rpartition(" ")
    if not number:
        return unit
    return format_html('{} <span class="fs-6">{}</span>', number, unit)


@register.filter
def period_label(value):
    """A budget's period as the customer's language names it: "monthly" -> "Monthly"."""
    try:
        return BudgetPeriod(value).label
    except ValueError:
        return value


@register.filter
def currency_unit(currency):
    """What the page writes after a figure in ``currency``: "USD" (en), "€" (de)."""
    return formats.currency_unit(currency)
