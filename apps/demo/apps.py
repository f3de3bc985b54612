from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: sits above every app it seeds, and nothing imports it."""

    name = "apps.demo"
    label = "demo"
