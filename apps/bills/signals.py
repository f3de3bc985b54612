"""What bills tell the apps above them (rewards), without importing them.

Both signals are sent by apps.bills.services inside the database transaction that changes
the occurrence, after the row is written, so receivers write in the same transaction: a
rolled-back payment leaves nothing behind.

``occurrence_paid``: an occurrence became paid (by hand, by linking an expense, or by an
automatic posting).
    user:       the owner (apps.users.User)
    occurrence: the Occurrence, paid, with ``item`` loaded (its kind, name)
    paid_on:    the date of the paying ledger entry (``occurred_on``)

``occurrence_unpaid``: the payment of occurrences was undone (the paying entry was deleted),
so they are open or skipped again.
    user:           the owner
    occurrence_ids: list[int], the occurrences no longer paid
"""

from django.dispatch import Signal

occurrence_paid = Signal()
occurrence_unpaid = Signal()
