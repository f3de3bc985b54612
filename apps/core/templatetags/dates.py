"""Dates in templates as the customer's locale writes them (apps.core.formats): one format
per kind, everywhere. Loaded on every template (TEMPLATES "builtins"): no {% load %} needed.

    {{ entry.occurred_on|day }}        Nov 29, 2026 · 29 Nov 2026 · 29.11.2026
    {{ entry.occurred_on|day_short }}  Nov 29 · 29 Nov · 29.11.
    {{ bill.due_on|day_long }}         Sun, Nov 29, 2026 · Sun 29 Nov 2026 · So., 29.11.2026
    {{ month|month }}                  November 2026 · November 2026 · November 2026
    {{ month|month_short }}            Nov 2026 · Nov 2026 · Nov. 2026
    {{ alert.created_at|moment }}      Nov 29, 2026, 7:05 PM · 29 Nov 2026, 19:05 · 29.11.2026, 19:05
    {{ entry.occurred_on|iso_day }}    2026-11-29 (machine-readable: <time datetime>, data-*)
"""

from django import template

from apps.core import formats

register = template.Library()


@register.filter
def day(value):
    return formats.format_day(value)


@register.filter
def day_short(value):
    return formats.format_day_short(value)


@register.filter
def day_long(value):
    return formats.format_day_long(value)


@register.filter
def month(value):
    return formats.format_month(value)


@register.filter
def month_short(value):
    return formats.format_month_short(value)


@register.filter
def moment(value):
    return formats.format_moment(value)


@register.filter
def iso_day(value):
    return value.isoformat()[:10] if value not in (None, "") else ""
