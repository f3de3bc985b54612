"""What a ledger table's rows need in templates, cheaply: a list page shows 25 rows with three
links each, and ``{% url %}`` resolves the URL pattern again for every one of them."""

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()

# A pk no entry has: the URL is reversed once with it, then each row's pk is put in its place.
_SENTINEL = "987654321987654321"
_patterns: dict[tuple[str, str], tuple[str, str]] = {}


def _pattern(name: str) -> tuple[str, str]:
    """(before, after) the pk in the URL of ``name``, per script prefix (a deployment under a
    sub-path reverses differently)."""
    key = (get_script_prefix(), name)
    if key not in _patterns:
        before, _, after = reverse(name, args=[_SENTINEL]).partition(_SENTINEL)
        _patterns[key] = (before, after)
    return _patterns[key]


@register.filter
def pk_url(pk, name: str) -> str:
    """``{{ entry.pk|pk_url:"transactions:update" }}``: what ``{% url "transactions:update" entry.pk %}``
    gives, for URLs whose only argument is an integer primary key."""
    before, after = _pattern(name)
    return f"{before}{int(pk)}{after}"
