"""Categorisation rules applied to one entry-to-be (import preview, manual entry).

Interface (the import and the ledger's pages call only this):

    matcher = matcher_for(user)            # loads the user's rules once (one query)
    match = matcher(description=..., payee=..., amount=Decimal("12.50"), kind="expense",
                    account_id=3)          # -> RuleMatch or None (first matching rule wins)

"Matches a pattern" rules are RE2 expressions (google-re2): matching takes time linear in
the text whatever the pattern, so a customer's pattern cannot hang the server the way a
backtracking engine (Python's ``re``, PostgreSQL's ``~``) can with ``(a+)+$``. Back-references
and look-arounds, which need backtracking, are refused when the rule is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import re2
from django.utils.translation import gettext as _

from .models import PATTERN_MAX_LENGTH, Rule, RuleField, RuleKind, RuleOperator

# RE2 refuses a pattern whose compiled program would need more memory than this.
REGEX_MAX_MEMORY = 1 << 20


class RuleMatch(NamedTuple):
    rule_id: int
    rule_name: str
    category_id: int | None  # None: the rule sets only the payee
    payee: str  # "" : the rule keeps the payee


Matcher = Callable[..., "RuleMatch | None"]


class PatternError(ValueError):
    """A pattern that cannot be a rule's; the message is for the customer."""


def _options():
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = REGEX_MAX_MEMORY
    return options


@lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    """The compiled RE2 pattern, or PatternError with a message a customer understands."""
    if not pattern:
        raise PatternError(_("Enter a pattern."))
    if len(pattern) > PATTERN_MAX_LENGTH:
        raise PatternError(_("Keep the pattern to %(count)s characters or fewer.") % {"count": PATTERN_MAX_LENGTH})
    try:
        return re2.compile(pattern, _options())
    except re2.error as error:
        detail = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) \
            else str(error)
        raise PatternError(_("This pattern is not valid (%(detail)s). Patterns use RE2 syntax: back-references "
                             "and look-arounds are not supported.") % {"detail": detail}) from None
    except Exception:  # anything else RE2 may raise on a hostile pattern
        raise PatternError(_("This pattern is not valid.")) from None


@dataclass(frozen=True)
class CompiledRule:
    """What matching needs of one rule, ready to test many entries."""

    id: int
    name: str
    field: str
    operator: str
    needle: str  # casefolded pattern (contains / starts with)
    regex: object | None
    min_amount: Decimal | None
    max_amount: Decimal | None
    account_id: int | None
    kind: str
    category_id: int | None
    payee: str

    @classmethod
    def of(cls, rule: Rule) -> CompiledRule:
        regex = None
        if rule.operator == RuleOperator.MATCHES:
            try:
                regex = compile_pattern(rule.pattern)
            except PatternError:
                regex = None  # saved before a rule change, say: it matches nothing rather than failing
        return cls(id=rule.pk, name=rule.name, field=rule.field, operator=rule.operator,
                   needle=rule.pattern.strip().casefold(), regex=regex, min_amount=rule.min_amount,
                   max_amount=rule.max_amount, account_id=rule.account_id, kind=rule.kind,
                   category_id=rule.set_category_id, payee=rule.set_payee)

    def _text_matches(self, text: str) -> bool:
        if self.operator == RuleOperator.CONTAINS:
            return self.needle in text.casefold()
        if self.operator == RuleOperator.STARTS_WITH:
            return text.strip().casefold().startswith(self.needle)
        return self.regex is not None and self.regex.search(text) is not None

    def matches(self, *, description: str, payee: str, amount: Decimal, kind: str, account_id: int | None) -> bool:
        if self.kind != RuleKind.EITHER and kind != self.kind:
            return False
        if self.account_id is not None and (account_id is None or int(account_id) != self.account_id):
            return False
        if self.min_amount is not None and amount < self.min_amount:
            return False
        if self.max_amount is not None and amount > self.max_amount:
            return False
        texts = {
            RuleField.DESCRIPTION: (description,),
            RuleField.PAYEE: (payee,),
            RuleField.EITHER: (description, payee),
        }[self.field]
        return any(self._text_matches(text or "") for text in texts)

    def result(self) -> RuleMatch:
        return RuleMatch(rule_id=self.id, rule_name=self.name, category_id=self.category_id, payee=self.payee)


def active_rules(user) -> list[CompiledRule]:
    """The user's active rules in the order they are tried: one query."""
    rules = Rule.objects.filter(owner=user, is_active=True).order_by("position", "id")
    return [CompiledRule.of(rule) for rule in rules]


def matcher_for(user) -> Matcher:
    rules = active_rules(user)

    def match(*, description: str, payee: str, amount: Decimal, kind: str, account_id: int | None):
        for rule in rules:
            if rule.matches(description=description or "", payee=payee or "", amount=amount, kind=kind,
                            account_id=account_id):
                return rule.result()
        return None

    return match


def entry_rules(user, description, payee, amount, kind, account_id):
    """The ledger's "entry_rules" extension (apps/transactions/extensions.py): what the user's
    rules say about an income or expense typed by hand, when the user asked for it.
    -> (category_id, payee, rule_name) or None."""
    from .selectors import applies_on_manual_entry

    if not applies_on_manual_entry(user=user):
        return None
    found = matcher_for(user)(description=description or "", payee=payee or "", amount=amount, kind=kind,
                              account_id=account_id)
    if found is None:
        return None
    return found.category_id, found.payee, found.rule_name
