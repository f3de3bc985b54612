"""Reads of the rules pages: the user's rules, the preference, and what a rule would change
in the past entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from apps.transactions.models import Category, Transaction

from .engine import CompiledRule
from .models import Rule, RuleField, RuleKind, RuleOperator, RulePreferences

SCAN_CHUNK = 2000


def rule_list(*, user) -> QuerySet[Rule]:
    """The user's rules in the order they are tried, with what a row shows joined in."""
    return Rule.objects.filter(owner=user).select_related("set_category", "account").order_by("position", "id")


def applies_on_manual_entry(*, user) -> bool:
    """Whether the user asked the rules to choose the category of entries typed by hand."""
    return RulePreferences.objects.filter(owner=user, apply_on_manual_entry=True).exists()


def applies_on_manual_entry_for(user) -> bool:
    """The same, positional: the ledger's "entry_rules_enabled" extension calls it with the user."""
    return applies_on_manual_entry(user=user)


def _candidates(*, user, rule: Rule) -> QuerySet[Transaction]:
    """A first cut in SQL (kind, account, amount, and the text for "contains"/"starts with");
    the rule itself (engine.CompiledRule) decides each row."""
    # A split entry's parts were given their categories one by one: a rule would put them all in one.
    entries = Transaction.objects.filter(owner=user, kind__in=(Transaction.Kind.INCOME, Transaction.Kind.EXPENSE),
                                         split_id__isnull=True)
    if rule.kind != RuleKind.EITHER:
        entries = entries.filter(kind=rule.kind)
    if rule.account_id:
        entries = entries.filter(account_id=rule.account_id)
    if rule.min_amount is not None:
        entries = entries.filter(amount__gte=rule.min_amount)
    if rule.max_amount is not None:
        entries = entries.filter(amount__lte=rule.max_amount)
    if rule.operator in (RuleOperator.CONTAINS, RuleOperator.STARTS_WITH):
        lookup = "icontains" if rule.operator == RuleOperator.CONTAINS else "istartswith"
        needle = rule.pattern.strip()
        text = Q()
        if rule.field in (RuleField.DESCRIPTION, RuleField.EITHER):
            text |= Q(**{f"description__{lookup}": needle})
        if rule.field in (RuleField.PAYEE, RuleField.EITHER):
            text |= Q(**{f"payee__{lookup}": needle})
        entries = entries.filter(text)
    return entries


def rule_past_changes(*, user, rule: Rule) -> list[tuple[int, Category | None, str | None]]:
    """The user's past income and expense entries this rule would change, newest first, as
    the changes ``entries_recategorise`` takes: (transaction id, new category or None, new
    payee or None). One query (read through a server-side cursor)."""
    compiled = CompiledRule.of(rule)
    category = rule.set_category
    changes = []
    rows = _candidates(user=user, rule=rule).order_by("-occurred_on", "-id").values_list(
        "id", "description", "payee", "amount", "kind", "account_id", "category_id")
    for pk, description, payee, amount, kind, account_id, category_id in rows.iterator(chunk_size=SCAN_CHUNK):
        if not compiled.matches(description=description, payee=payee, amount=amount, kind=kind,
                                account_id=account_id):
            continue
        new_category = category if category is not None and category.pk != category_id else None
        new_payee = rule.set_payee if rule.set_payee and rule.set_payee != payee else None
        if new_category is not None or new_payee is not None:
            changes.append((pk, new_category, new_payee))
    return changes


@dataclass(frozen=True)
class PastChangeRow:
    """One line of the apply-to-past preview."""

    transaction_id: int
    occurred_on: date
    account_name: str
    currency: str
    signed_amount: Decimal
    description: str
    old_category: str
    new_category: str
    old_payee: str
    new_payee: str


def past_change_rows(*, user, changes) -> list[PastChangeRow]:
    """The preview lines of one page of changes: one query."""
    wanted = {pk: (category, payee) for pk, category, payee in changes}
    entries = Transaction.objects.filter(owner=user, pk__in=wanted).select_related("account", "category")
    by_id = {entry.pk: entry for entry in entries}
    rows = []
    for pk, (category, payee) in wanted.items():
        entry = by_id.get(pk)
        if entry is None:
            continue
        old_category = entry.category.name if entry.category else ""
        rows.append(PastChangeRow(
            transaction_id=pk, occurred_on=entry.occurred_on, account_name=entry.account.name,
            currency=entry.account.currency, signed_amount=entry.signed_amount, description=entry.description,
            old_category=old_category, new_category=category.name if category else old_category,
            old_payee=entry.payee, new_payee=payee if payee else entry.payee,
        ))
    return rows
