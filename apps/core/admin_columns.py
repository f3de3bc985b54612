"""Columns for the staff admin's lists: money always with its currency (and, where it moves a
balance, its sign), formatted like everywhere else (apps.core.money)."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.contrib import admin

from .money import format_money, format_signed


def money_column(amount: str | Callable, currency: str, *, description: str, ordering: str | None = None,
                 signed: bool = False):
    """A ``list_display`` entry showing ``amount`` (an attribute path such as ``"balance"``, or a
    function of the row) in ``currency`` (an attribute path such as ``"account.currency"``);
    ``signed`` writes ``+`` or ``−`` in front (the amount's own sign: pass the signed value)."""
    read_amount = amount if callable(amount) else attrgetter(amount)
    read_currency = attrgetter(currency)
    fmt = format_signed if signed else format_money

    @admin.display(description=description, ordering=ordering)
    def column(obj):
        value = read_amount(obj)
        return None if value is None else fmt(value, read_currency(obj))

    column.__name__ = f"money_{description.lower().replace(' ', '_')}"
    return column
