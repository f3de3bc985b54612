from . import forecast_alerts, services


def reopen_occurrences_on_ledger_change(sender, *, user, changes, **kwargs):
    services.occurrences_release_deleted(user=user, changes=changes)


def check_forecast_on_ledger_change(sender, *, user, **kwargs):
    forecast_alerts.forecast_alerts_after_commit(user=user)
