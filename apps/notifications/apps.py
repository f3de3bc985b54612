from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from apps.alerts.signals import alerts_raised

        from . import account_watch, receivers

        alerts_raised.connect(receivers.deliver_raised_alerts, dispatch_uid="notifications.alerts_raised")
        account_watch.connect()
