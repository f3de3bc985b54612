def budget_check_for_changes(*, user, changes):
    """Re-check the budgets the ledger changes touch (implemented with the budgets issue)."""
