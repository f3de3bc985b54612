"""Writes of the categorisation rules. Every rule is checked here (the forms only give
messages next to the fields), then by the database constraints."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.core.money import cents
from apps.transactions.models import Category
from apps.transactions.services import entries_recategorise

from .engine import PatternError, compile_pattern
from .models import NAME_MAX_LENGTH, PATTERN_MAX_LENGTH, Rule, RuleField, RuleKind, RuleOperator, RulePreferences
from .selectors import rule_past_changes


def _clean(*, user, name: str, field: str, operator: str, pattern: str, min_amount: Decimal | None,
           max_amount: Decimal | None, account: Account | None, kind: str, set_category: Category | None,
           set_payee: str) -> dict:
    errors = {}
    name = " ".join((name or "").split())
    pattern = (pattern or "") if operator == RuleOperator.MATCHES else " ".join((pattern or "").split())
    set_payee = " ".join((set_payee or "").split())
    if not name:
        errors["name"] = _("Give the rule a name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("Keep the name to %(count)s characters or fewer.") % {"count": NAME_MAX_LENGTH}
    if field not in RuleField.values:
        errors["field"] = _("Choose description, payee or either.")
    if operator not in RuleOperator.values:
        errors["operator"] = _("Choose contains, starts with or matches the pattern.")
    if kind not in RuleKind.values:
        errors["kind"] = _("Choose income, expenses or either.")
    if not pattern.strip():
        errors["pattern"] = _("Enter the text to look for.")
    elif len(pattern) > PATTERN_MAX_LENGTH:
        errors["pattern"] = _("Keep the pattern to %(count)s characters or fewer.") % {"count": PATTERN_MAX_LENGTH}
    elif operator == RuleOperator.MATCHES:
        try:
            compile_pattern(pattern)
        except PatternError as error:
            errors["pattern"] = str(error)
    try:
        min_amount = cents(min_amount, field="min_amount") if min_amount is not None else None
        max_amount = cents(max_amount, field="max_amount") if max_amount is not None else None
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if min_amount is not None and max_amount is not None and min_amount > max_amount:
            errors["max_amount"] = _("The highest amount must be at least the lowest amount.")
    if account is not None and not Account.objects.filter(owner=user, pk=account.pk).exists():
        errors["account"] = _("Choose one of your accounts.")
    if set_category is not None and not Category.objects.for_user(user).filter(pk=set_category.pk).exists():
        errors["set_category"] = _("Choose one of your categories.")
    if set_category is None and not set_payee:
        errors["set_category"] = _("Choose a category to set, a payee name to set, or both.")
    elif len(set_payee) > 100:
        errors["set_payee"] = _("Keep the payee name to %(count)s characters or fewer.") % {"count": 100}
    if errors:
        raise ValidationError(errors)
    return {"name": name, "field": field, "operator": operator, "pattern": pattern, "min_amount": min_amount,
            "max_amount": max_amount, "account": account, "kind": kind, "set_category": set_category,
            "set_payee": set_payee}


@transaction.atomic
def rule_create(*, user, name: str, pattern: str, field: str = RuleField.EITHER,
                operator: str = RuleOperator.CONTAINS, min_amount: Decimal | None = None,
                max_amount: Decimal | None = None, account: Account | None = None, kind: str = RuleKind.EITHER,
                set_category: Category | None = None, set_payee: str = "", is_active: bool = True) -> Rule:
    """A new rule, tried after the user's existing ones."""
    values = _clean(user=user, name=name, field=field, operator=operator, pattern=pattern, min_amount=min_amount,
                    max_amount=max_amount, account=account, kind=kind, set_category=set_category,
                    set_payee=set_payee)
    # Lock the user's rules so two rules created at once get different positions.
    last = Rule.objects.select_for_update().filter(owner=user).order_by().aggregate(last=Max("position"))["last"]
    return Rule.objects.create(owner=user, position=(last or 0) + 1, is_active=is_active, **values)


def _own_rule(*, user, rule_id, lock=True) -> Rule:
    rules = Rule.objects.select_for_update() if lock else Rule.objects
    rule = rules.filter(owner=user, pk=rule_id).first()
    if rule is None:
        raise Rule.DoesNotExist("No such rule.")
    return rule


@transaction.atomic
def rule_update(*, user, rule_id: int, name: str, pattern: str, field: str, operator: str,
                min_amount: Decimal | None = None, max_amount: Decimal | None = None, account: Account | None = None,
                kind: str = RuleKind.EITHER, set_category: Category | None = None, set_payee: str = "",
                is_active: bool = True) -> Rule:
    rule = _own_rule(user=user, rule_id=rule_id)
    values = _clean(user=user, name=name, field=field, operator=operator, pattern=pattern, min_amount=min_amount,
                    max_amount=max_amount, account=account, kind=kind, set_category=set_category,
                    set_payee=set_payee)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.is_active = is_active
    rule.save()
    return rule


@transaction.atomic
def rule_delete(*, user, rule_id: int) -> None:
    _own_rule(user=user, rule_id=rule_id).delete()


@transaction.atomic
def rule_move(*, user, rule_id: int, direction: str) -> Rule:
    """Move a rule one place up (tried earlier) or down; positions are renumbered 1..n."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a rule up or down."))
    rules = list(Rule.objects.select_for_update().filter(owner=user).order_by("position", "id"))
    index = next((i for i, r in enumerate(rules) if r.pk == int(rule_id)), None)
    if index is None:
        raise Rule.DoesNotExist("No such rule.")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
    for position, rule in enumerate(rules, start=1):
        rule.position = position
    Rule.objects.bulk_update(rules, ["position"])
    return rules[other] if 0 <= other < len(rules) else rules[index]


@transaction.atomic
def rule_preferences_set(*, user, apply_on_manual_entry: bool) -> RulePreferences:
    preferences, _created = RulePreferences.objects.select_for_update().get_or_create(owner=user)
    preferences.apply_on_manual_entry = bool(apply_on_manual_entry)
    preferences.save(update_fields=["apply_on_manual_entry"])
    return preferences


@transaction.atomic
def rule_apply_to_past(*, user, rule_id: int) -> int:
    """Set the rule's category and payee on every past income and expense entry it matches,
    in one transaction (monthly totals moved, one ledger_changed). Returns how many changed."""
    rule = _own_rule(user=user, rule_id=rule_id)
    changes = rule_past_changes(user=user, rule=rule)
    return len(entries_recategorise(user=user, changes=changes))
