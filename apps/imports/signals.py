"""What the import tells the rest of BankDash (the audit trail listens).

``import_posted``: sender=ImportBatch, batch, user — sent inside the posting's transaction.
``import_undone``: sender=ImportBatch, batch, user, removed (number of ledger rows) — inside the undo's.
"""

from django.dispatch import Signal

import_posted = Signal()
import_undone = Signal()
