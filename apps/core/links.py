"""Links to objects by primary key, cheaply: a list page shows 25 rows with three links each,
and reversing the URL pattern for every one of them was a measurable part of the page."""

from django.urls import get_script_prefix, reverse

# A pk no object has: the URL is reversed once with it, then each row's pk is put in its place.
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


def pk_url(pk, name: str) -> str:
    """What ``reverse(name, args=[pk])`` gives, for URLs whose only argument is an integer
    primary key."""
    before, after = _pattern(name)
    return f"{before}{int(pk)}{after}"
