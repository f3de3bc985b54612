"""Categorisation rules applied to one entry-to-be (import preview, manual entry).

Interface (the import and the ledger's pages call only this):

    matcher = matcher_for(user)            # loads the user's rules once (one query)
    match = matcher(description=..., payee=..., amount=Decimal("12.50"), kind="expense",
                    account_id=3)          # -> RuleMatch or None (first matching rule wins)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple


class RuleMatch(NamedTuple):
    rule_id: int
    rule_name: str
    category_id: int | None  # None: the rule sets only the payee
    payee: str  # "" : the rule keeps the payee


Matcher = Callable[..., "RuleMatch | None"]


def matcher_for(user) -> Matcher:
    def match(*, description: str, payee: str, amount: Decimal, kind: str, account_id: int | None):
        return None

    return match
