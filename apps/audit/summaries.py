"""One human line per audit event for staff ("who, what, amount, account"), instead of the raw
JSON of ``details`` with ids. Reads only; ``summarise`` does a page of events in at most one
query (the ledger entries the page's money movements name, with their accounts)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from apps.core.money import format_money, format_signed
from apps.transactions.models import Transaction

from .models import AuditEvent

Action = AuditEvent.Action
CREDIT_KINDS = frozenset(str(k) for k in Transaction.CREDIT_KINDS)
KIND_LABELS = dict(Transaction.Kind.choices)
ACTION_VERBS = {"created": "added", "edited": "changed", "deleted": "deleted"}
SESSION_REASONS = {"password_change": " with a password change", "password_reset": " with a password reset",
                   "profile_closed": " in closing the profile", "admin": " from the admin"}


def _who(event: AuditEvent) -> str:
    return event.actor_email or "Someone not logged in"


def _entries(events: list[AuditEvent]) -> dict[int, Transaction]:
    movements = (Action.MONEY_MOVEMENT, Action.CORRECTION)
    ids = {int(change["transaction_id"]) for event in events if event.action in movements
           for change in (event.details or {}).get("changes", []) if str(change.get("transaction_id", "")).isdigit()}
    if not ids:
        return {}
    return {row.pk: row for row in Transaction.objects.filter(pk__in=ids).select_related("account")
            .only("pk", "account__name", "account__currency")}


def _movement(event: AuditEvent, entries: dict[int, Transaction]) -> str:
    details = event.details or {}
    changes = details.get("changes", [])
    if not changes:
        return f"{_who(event)}: {event.get_action_display().lower()}"
    first = changes[0]
    amount = Decimal(str(first.get("amount", "0")))
    entry = entries.get(int(first["transaction_id"])) if str(first.get("transaction_id", "")).isdigit() else None
    currency = entry.account.currency if entry else ""
    signed = amount if first.get("kind") in CREDIT_KINDS else -amount
    where = f" in “{entry.account.name}”" if entry else f" (entry #{first.get('transaction_id')}, since deleted)"
    verb = ACTION_VERBS.get(first.get("action"), first.get("action", "changed"))
    kind = KIND_LABELS.get(first.get("kind"), first.get("kind", "entry")).lower()
    owner = details.get("owner_email", "")
    for_whom = f" for {owner}" if owner and owner != event.actor_email else ""
    line = f"{_who(event)} {verb} {kind} {format_signed(signed, currency)}{where}{for_whom}"
    if first.get("occurred_on"):
        line += f", dated {first['occurred_on']}"
    if len(changes) > 1:
        line += f", and {len(changes) - 1} more {'change' if len(changes) == 2 else 'changes'}"
    if details.get("reason"):
        line += f". Reason: {details['reason']}"
    return line


def _one(event: AuditEvent, entries: dict[int, Transaction]) -> str:
    details, who = event.details or {}, _who(event)
    ip = f" from {event.ip_address}" if event.ip_address else ""
    match event.action:
        case Action.MONEY_MOVEMENT | Action.CORRECTION:
            return _movement(event, entries)
        case Action.LOGIN:
            return f"{who} logged in{ip}"
        case Action.LOGOUT:
            return f"{who} logged out"
        case Action.LOGIN_FAILED:
            factor = details.get("factor", "password")
            return f"Failed login as {who}{ip} (wrong {'two-factor code' if factor != 'password' else 'password'})"
        case Action.LOCKED_OUT:
            return f"{who} locked out after repeated failed logins{ip}"
        case Action.PASSWORD_CHANGED:
            return f"{who} changed their password"
        case Action.PASSWORD_RESET:
            return f"{who} reset their password through an emailed link"
        case Action.PASSWORD_RESET_REQUESTED:
            throttled = " (refused: too many requests)" if details.get("throttled") else ""
            return f"Password reset requested for {who}{ip}{throttled}"
        case Action.TWO_FACTOR:
            device = f" ({details['device']})" if details.get("device") else ""
            return f"{who}: two-factor authentication {details.get('change', 'changed')}{device}"
        case Action.POINTS_ADJUSTMENT:
            points = int(details.get("points", 0))
            verb = "granted" if points > 0 else "removed"
            to = "to" if points > 0 else "from"
            reason = f": {details['reason']}" if details.get("reason") else ""
            return f"{who} {verb} {abs(points):,} points {to} {details.get('owner_email', 'a customer')}{reason}"
        case Action.IMPORT_POSTED | Action.IMPORT_UNDONE:
            name = details.get("file_name", "a statement")
            if event.action == Action.IMPORT_UNDONE:
                return f"{who} undid the import of {name}: {details.get('removed_entries', 0):,} entries removed"
            return (f"{who} imported {name}: {details.get('posted', 0):,} entries posted, "
                    f"{details.get('duplicates', 0):,} duplicates, {details.get('errors', 0):,} unreadable rows")
        case Action.PROFILE_CHANGED:
            changed = ", ".join(f"{field.replace('_', ' ')} {values[0]} → {values[1]}"
                                for field, values in details.get("changes", {}).items())
            return f"{who} changed their settings: {changed}"
        case Action.EMAIL_CHANGED:
            return f"{details.get('old_email', who)} changed their email address to {details.get('new_email', '?')}"
        case Action.DATA_EXPORTED:
            return f"{who} exported all their data ({len(details.get('files', []))} files)"
        case Action.PROFILE_CLOSED:
            closed = details.get("closed_accounts", [])
            return f"{who} closed their profile{f' and {len(closed)} open accounts' if closed else ''}"
        case Action.ACCOUNT_CHECKED:
            balance = format_money(Decimal(str(details.get("balance", "0"))), details.get("currency", ""))
            return (f"{who} found “{details.get('account', 'an account')}” agreeing with their bank at the end of "
                    f"{details.get('day', '?')} ({balance})")
        case Action.SESSIONS_SIGNED_OUT:
            ended = details.get("sessions", [])
            owner = details.get("owner_email", "")
            whose = f" of {owner}" if owner and owner != event.actor_email else ""
            why = SESSION_REASONS.get(details.get("reason"), "")
            return (f"{who} signed out {len(ended)} {'session' if len(ended) == 1 else 'sessions'}{whose} "
                    f"({', '.join(ended)}){why}")
        case Action.ADMIN_CHANGE:
            operation = {"addition": "added", "change": "changed", "deletion": "deleted"}.get(
                details.get("operation"), details.get("operation", "changed"))
            what = event.object_type.split(".")[-1] if event.object_type else "object"
            message = f": {details['message']}" if details.get("message") else ""
            return f"{who} {operation} {what} “{details.get('object', event.object_id)}” in the admin{message}"
    return f"{who}: {event.get_action_display().lower()}"


def summarise(events: Iterable[AuditEvent]) -> dict[int, str]:
    """Each event's one-line summary, by id."""
    events = list(events)
    entries = _entries(events)
    return {event.pk: _one(event, entries) for event in events}


__all__ = ["summarise"]
