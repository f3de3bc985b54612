"""Money in templates: Decimal formatted with two decimals and grouping, then the currency."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def money(value, currency=""):
    """``{{ account.balance|money:account.currency }}`` -> ``1,234.50 USD``."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = floatformat(abs(value), "2g")
    sign = "−" if value < 0 else ""  # U+2212, as signed_money writes it
    return f"{sign}{text} {currency}".strip()


@register.filter
def signed_money(transaction, currency=None):
    """A ledger entry's effect on its account: ``+1,200.00 USD`` or ``−45.10 USD``."""
    amount = transaction.signed_amount
    text = floatformat(abs(amount), "2g")
    sign = "+" if amount >= 0 else "−"
    return f"{sign}{text} {currency or transaction.account.currency}"
