"""Receivers of the users app's security signals (apps.users.signals); each one a call into
apps.alerts.security."""

from . import security


def alert_new_device(sender, *, user, device, network, **kwargs):
    security.new_sign_in_alert(user=user, device=device, network=network)


def alert_password_changed(sender, *, user, how, **kwargs):
    security.security_change_alert(user=user, what=f"password_{how}")


def alert_two_factor_changed(sender, *, user, action, **kwargs):
    security.security_change_alert(user=user, what=f"two_factor_{action}")


def alert_account_locked(sender, *, user, network, pause, **kwargs):
    security.account_locked_alert(user=user, network=network, pause=pause)


def connect() -> None:
    from apps.users.signals import account_locked, new_device_signed_in, password_changed, two_factor_changed

    new_device_signed_in.connect(alert_new_device, dispatch_uid="alerts.new_device_signed_in")
    password_changed.connect(alert_password_changed, dispatch_uid="alerts.password_changed")
    two_factor_changed.connect(alert_two_factor_changed, dispatch_uid="alerts.two_factor_changed")
    account_locked.connect(alert_account_locked, dispatch_uid="alerts.account_locked")
