from . import services


def check_budgets_on_ledger_change(sender, *, user, changes, **kwargs):
    services.budget_check_for_changes(user=user, changes=changes)
