from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TransactionsConfig(AppConfig):
    name = "apps.transactions"
    label = "transactions"

    def ready(self):
        from . import receivers

        # The default categories come from a data migration; a database flush (as
        # transactional tests do) removes them, and flush re-sends post_migrate.
        post_migrate.connect(receivers.ensure_default_categories, sender=self,
                             dispatch_uid="transactions.default_categories")
