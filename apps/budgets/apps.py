from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "apps.budgets"
    label = "budgets"

    def ready(self):
        from apps.transactions.signals import category_merged, ledger_changed

        from . import receivers

        ledger_changed.connect(receivers.check_budgets_on_ledger_change, dispatch_uid="budgets.ledger_changed")
        category_merged.connect(receivers.move_budgets_on_category_merge, dispatch_uid="budgets.category_merged")
