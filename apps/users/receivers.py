from . import services
from .roles import sync_roles
from .security import client_ip


def sync_roles_after_migrate(sender, **kwargs):
    sync_roles()


def record_device_on_login(sender, *, request, user, **kwargs):
    services.known_device_record(user=user, user_agent=request.META.get("HTTP_USER_AGENT") if request else None,
                                 ip=client_ip(request) if request else None)
