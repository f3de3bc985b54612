from . import services


def check_budgets_on_ledger_change(sender, *, user, changes, **kwargs):
    services.budget_check_for_changes(user=user, changes=changes)


def move_budgets_on_category_merge(sender, *, user, source, target, **kwargs):
    services.budgets_move_category(user=user, source=source, target=target)
