"""Extension points of the ledger's pages, for the apps above the ledger (which it never
imports, ../shared/ARCHITECTURE.md). Like Django's context processors, they are named in a
setting and loaded by dotted path:

    LEDGER_EXTENSIONS = {
        # Callables (user=, entry=) -> list[str]: lines added to "Expense of ... recorded".
        "expense_notes": ["apps.dashboard.previews.expense_notes"],
        # A URL name: the expense form asks it, as the customer types, what the expense will do.
        "expense_preview": "dashboard:expense_preview",
        # Callables (request, account) -> a dict with "template" (rendered with ``section``), or None.
        "account_sections": ["apps.bills.views_forecast.account_forecast_section"],
        # A callable (user) -> bool: whether the income/expense form offers "Let my rules choose".
        "entry_rules_enabled": "apps.rules.selectors.applies_on_manual_entry_for",
        # A callable (user, description, payee, amount, kind, account_id) -> (category_id, payee,
        # rule_name) or None: what the user's categorisation rules say about an entry typed by hand.
        "entry_rules": "apps.rules.engine.entry_rules",
    }

A setting rather than a signal: the pages ask a question and show the answers in a fixed
order; nothing "happened" that listeners react to, and the wiring is in one visible place.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

logger = logging.getLogger("bankdash.transactions")


def _setting(name: str, default):
    return getattr(settings, "LEDGER_EXTENSIONS", {}).get(name, default)


@cache
def _load(path: str):
    return import_string(path)


def expense_notes(*, user, entry) -> list[str]:
    """What the apps above say about an expense just recorded. The money is committed by
    then: a note that fails is logged and left out, never an error page."""
    notes = []
    for path in _setting("expense_notes", ()):
        try:
            notes.extend(_load(path)(user=user, entry=entry))
        except Exception:
            logger.exception("expense note %s failed", path)
    return notes


def expense_preview_url() -> str | None:
    name = _setting("expense_preview", None)
    return reverse(name) if name else None


def account_sections(request, account) -> list[dict]:
    """The extra sections of an account's page, in the setting's order. A section's template
    may draw a chart with its own deferred script: the page loads Chart.js and static/js/charts.js
    (once, before it)."""
    sections = (_load(path)(request, account) for path in _setting("account_sections", ()))
    return [section for section in sections if section]


def entry_rules_enabled(user) -> bool:
    """Whether the income/expense form may leave the category to the user's rules."""
    if not _setting("entry_rules", None):
        return False
    enabled = _setting("entry_rules_enabled", None)
    return bool(_load(enabled)(user)) if enabled else True


def entry_rules(*, user, description: str, payee: str, amount, kind: str, account_id: int):
    """What the user's rules say about an entry typed by hand: (category_id, payee, rule_name) or None."""
    path = _setting("entry_rules", None)
    if not path:
        return None
    return _load(path)(user, description, payee, amount, kind, account_id)
