"""The demo users: a customer, a support agent and an auditor (idempotent)."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import AUDITOR, CUSTOMER, SUPPORT, sync_roles

DEMO_PASSWORD = "bankdash-demo"
DEMO_USERS = (
    ("demo@example.com", "Dana Demo", CUSTOMER, False),
    ("staff@example.com", "Sam Support", SUPPORT, True),
    ("auditor@example.com", "Avery Auditor", AUDITOR, True),
)


@transaction.atomic
def seed_users(stdout) -> dict[str, User]:
    """The demo users by role, created with DEMO_PASSWORD if missing."""
    sync_roles()
    users = {}
    for email, name, role, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name, "is_staff": staff})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        users[role] = user
        stdout.write(f"{'created' if created else 'kept'} {role}: {email}")
    return users
