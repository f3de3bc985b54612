"""Every money movement of BankDash, and the other writes of the ledger.

- ``postings``: opening an account, income, expense, transfers, editing and deleting entries
- ``corrections``: staff corrections (adjustments with a reason)
- ``batch``: many entries posted (or removed) in one atomic call: a statement import and its undo
- ``attachments``: receipts and invoices kept with an entry
- ``splits``: one payment shared out over several categories (and joined back)
- ``recategorise``: categories and payees of many entries changed at once (categorisation rules)
- ``categories``: the user's own categories
- ``checks``: the customer's word that an account agrees with their bank up to a day
- ``repair``: operators' repair of stored balances and monthly totals from the ledger rows
- ``ledger``: the building blocks they share (locks, balance moves, monthly totals, the signal)
"""

from .attachments import attachment_add, attachment_delete
from .batch import BatchEntry, BatchEntryError, entries_delete, entries_post
from .categories import (
    category_create,
    category_delete,
    category_merge,
    category_show,
    category_update,
    category_usage,
    usage_text,
)
from .checks import account_mark_checked
from .corrections import adjustment_post
from .postings import (
    FAR_FUTURE_DAYS,
    account_open,
    entry_is_changeable,
    expense_post,
    income_post,
    transaction_delete,
    transaction_edit,
    transfer_create,
)
from .recategorise import entries_recategorise
from .repair import LedgerRepair, ledger_repair
from .splits import MAX_PARTS, SPLITTABLE_KINDS, entry_split

__all__ = [
    "attachment_add", "attachment_delete",
    "BatchEntry", "BatchEntryError", "entries_delete", "entries_post", "entries_recategorise",
    "FAR_FUTURE_DAYS", "LedgerRepair", "account_mark_checked", "account_open", "adjustment_post", "category_create",
    "category_delete",
    "category_merge", "category_show", "category_update", "category_usage", "entry_is_changeable", "entry_split",
    "MAX_PARTS", "SPLITTABLE_KINDS",
    "expense_post", "income_post", "ledger_repair", "transaction_delete", "transaction_edit", "transfer_create",
    "usage_text",
]
