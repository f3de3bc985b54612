from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The ground floor: helpers two or more apps need and no app owns. Imports no app."""

    name = "apps.core"
    label = "core"

    def ready(self):
        from . import receivers, versions

        request_finished.connect(receivers.forget_request_id, dispatch_uid="bankdash.core.forget_request_id")
        # After every migrate, with every app's tables there: the data-version triggers.
        post_migrate.connect(versions.install_after_migrate, sender=self, dispatch_uid="bankdash.core.data_versions")
