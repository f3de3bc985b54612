from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: helpers two or more apps need and no app owns. Imports no app."""

    name = "apps.core"
    label = "core"
