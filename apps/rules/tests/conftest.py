from apps.transactions.tests.ledger_checks import ledger_stays_consistent  # noqa: F401  (balance == ledger after each test)
