from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "apps.imports"
    verbose_name = "Statement import"

    def ready(self):
        from apps.transactions.signals import category_merged

        from . import receivers

        category_merged.connect(receivers.move_preview_rows_on_category_merge,
                                dispatch_uid="imports.category_merged")
