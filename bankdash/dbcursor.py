"""The database cursor of BankDash's connections (bankdash/settings/base.py, OPTIONS).

Parameters are bound on the server and a statement run five times on a connection is prepared
(psycopg's ``prepare_threshold``), so PostgreSQL parses and plans it once: planning was about
half of a dashboard statement's time in PostgreSQL (issue 17, bench/RESULTS.md, tenth step).

Statements that read the ledger itself (``transactions_transaction``) are never prepared.
After five runs PostgreSQL may keep a generic plan, made for no customer in particular, and the
best plan for the ledger depends on the customer: a million entries or five hundred. Measured
on the benchmark's database, a generic plan made the transactions list of the customer with a
million entries 8 times slower (178 ms against 22) and a search 3 times. Every other table holds
a bounded number of rows per customer (accounts, budgets, monthly and daily totals, alerts), and
keeps the gain.

A plain statement that reads a fixed number of a customer's ledger rows through an index, where
the plan is the same whoever the customer (the dashboard's newest six entries: an index scan
with a LIMIT), may start with ``BOUNDED_LEDGER_READ`` and be prepared like the others.
"""

from __future__ import annotations

import re

from django.db.backends.postgresql.base import ServerBindingCursor

# Transaction._meta.db_table (settings import this module before the apps load; a test checks
# they agree). Named quoted by the ORM and by apps.core.db.table, bare in some plain SQL.
LEDGER_TABLE = "transactions_transaction"
_NAMES_LEDGER = re.compile(rf"\b{LEDGER_TABLE}\b")
# The mark of a ledger read whose plan does not depend on the customer (see above).
BOUNDED_LEDGER_READ = "/* bounded ledger read */ "


class PreparingCursor(ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        if (prepare is None and isinstance(query, str) and not query.startswith(BOUNDED_LEDGER_READ)
                and _NAMES_LEDGER.search(query)):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
