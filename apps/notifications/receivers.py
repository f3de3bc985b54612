from . import services


def deliver_raised_alerts(sender, *, alerts, **kwargs):
    services.deliveries_dispatch(alerts=alerts)
