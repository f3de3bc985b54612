"""The ledger's one outgoing signal.

``ledger_changed`` is sent by apps.transactions.services inside the same
``transaction.atomic`` block as the money movement, after the rows are written,
for every create, edit and delete (and any batch). Receivers (budgets) therefore
run in the same database transaction: a rolled-back movement leaves nothing.

Arguments:
    user:     the owner (apps.users.User)
    changes:  list[LedgerChange], one per affected expense/income row state
    accounts: (sent with new rows) dict of account id -> the Account row the change locked,
              with its balance after it, for each account of ``changes``; receivers read it
              instead of the same rows again (issue 17), and read them themselves without it
    split:    (sent by services.entry_split) True: the changes share one payment out again over
              categories; no money moved in or out of an account
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.dispatch import Signal

ledger_changed = Signal()


@dataclass(frozen=True)
class LedgerChange:
    """One row's state before or after a change (an edit yields both)."""

    transaction_id: int
    kind: str  # Transaction.Kind value
    category_id: int | None
    amount: Decimal
    occurred_on: date
    action: str  # "created" | "edited" | "deleted"
    # The row's account in this state (None where no money moved, e.g. a category merge).
    account_id: int | None = None


# Sent by apps.transactions.services.category_merge inside its transaction, after the
# user's entries and monthly totals moved from ``source`` to ``target`` and before
# ``source`` is deleted (the user's own) or hidden for the user (a default one). The apps
# that point at categories (budgets, bills, rules, imports) move THIS user's rows; a receiver
# that must refuse the merge raises ValidationError, and the whole merge rolls back.
# Arguments: user, source (Category), target (Category).
category_merged = Signal()

# Sent by apps.transactions.services.account_mark_checked inside its transaction, after the
# account is marked as agreeing with the customer's bank at the end of ``day`` (the audit
# trail keeps who said so, and when). Arguments: user, account, day (date), balance (Decimal).
account_checked = Signal()
