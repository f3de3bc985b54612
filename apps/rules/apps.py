from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "apps.rules"
    verbose_name = "Categorisation rules"
