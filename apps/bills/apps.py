from django.apps import AppConfig


class BillsConfig(AppConfig):
    name = "apps.bills"
    label = "bills"
    verbose_name = "Bills and recurring money"

    def ready(self):
        from apps.transactions.signals import category_merged, ledger_changed

        from . import receivers

        ledger_changed.connect(receivers.reopen_occurrences_on_ledger_change, dispatch_uid="bills.ledger_changed")
        ledger_changed.connect(receivers.check_forecast_on_ledger_change, dispatch_uid="bills.forecast_alerts")
        category_merged.connect(receivers.move_items_on_category_merge, dispatch_uid="bills.category_merged")
