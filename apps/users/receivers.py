from . import services
from .lockout import ACCOUNT, lock_scope
from .roles import sync_roles
from .security import client_ip


def sync_roles_after_migrate(sender, **kwargs):
    """``migrate`` (and every test flush) sends post_migrate once per installed app: set the roles
    once, after the last app, when every app's permissions exist (it cost 23 runs, 1.3 s)."""
    if sender is last_app_with_models():
        sync_roles()


def last_app_with_models():
    from django.apps import apps

    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


def record_device_on_login(sender, *, request, user, **kwargs):
    services.known_device_record(user=user, user_agent=request.META.get("HTTP_USER_AGENT") if request else None,
                                 ip=client_ip(request) if request else None)


def record_session_on_login(sender, *, request, user, **kwargs):
    session = getattr(request, "session", None) if request else None
    services.signed_in_session_record(user=user, session_key=session.session_key if session is not None else None,
                                      user_agent=request.META.get("HTTP_USER_AGENT") if request else None,
                                      ip=client_ip(request) if request else None)


def tell_account_locked(sender, *, request, username, ip_address=None, **kwargs):
    if request is not None and lock_scope(request) == ACCOUNT:
        services.account_lock_noted(email=username, ip=ip_address)


def forget_session_on_logout(sender, *, request, user, **kwargs):
    session = getattr(request, "session", None) if request else None
    services.signed_in_session_forget(session_key=session.session_key if session is not None else None)
