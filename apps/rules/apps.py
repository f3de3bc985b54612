from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "apps.rules"
    verbose_name = "Categorisation rules"

    def ready(self):
        from apps.transactions.signals import category_merged

        from . import receivers

        category_merged.connect(receivers.move_rules_on_category_merge, dispatch_uid="rules.category_merged")
