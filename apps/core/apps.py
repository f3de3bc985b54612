from django.apps import AppConfig
from django.core.signals import request_finished


class CoreConfig(AppConfig):
    """The ground floor: helpers two or more apps need and no app owns. Imports no app."""

    name = "apps.core"
    label = "core"

    def ready(self):
        from . import receivers

        request_finished.connect(receivers.forget_request_id, dispatch_uid="bankdash.core.forget_request_id")
