from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "apps.insights"
    label = "insights"

    def ready(self):
        from apps.transactions.signals import ledger_changed

        from . import receivers

        ledger_changed.connect(receivers.forget_merchant_months, dispatch_uid="insights.merchant_months")
