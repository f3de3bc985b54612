"""Money in templates, through the one formatter (apps.core.money)."""

from django import template

from apps.core.money import format_money, format_signed

register = template.Library()


@register.filter
def money(value, currency=""):
    """``{{ account.balance|money:account.currency }}`` -> ``1,234.50 USD``."""
    if value is None or value == "":
        return ""
    return format_money(value, currency)


@register.filter
def signed(value, currency=""):
    """A signed amount (money in or out): ``+1,200.00 USD`` or ``−45.10 USD``."""
    return format_signed(value, currency)


@register.filter
def signed_money(transaction, currency=None):
    """A ledger entry's effect on its account: ``+1,200.00 USD`` or ``−45.10 USD``."""
    return signed(transaction.signed_amount, currency or transaction.account.currency)
