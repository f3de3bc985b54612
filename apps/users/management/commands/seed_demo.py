"""Demo data: idempotent, safe to run on every `make run`."""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.users.models import User
from apps.users.roles import AUDITOR, CUSTOMER, SUPPORT, sync_roles

DEMO_PASSWORD = "bankdash-demo"
DEMO_USERS = (
    ("demo@example.com", "Dana Demo", CUSTOMER, False),
    ("staff@example.com", "Sam Support", SUPPORT, True),
    ("auditor@example.com", "Avery Auditor", AUDITOR, True),
)

# Later parts (accounts, budgets) add their demo data through these hooks:
# each is "module.function" taking (customer, stdout).
SEED_STEPS = (
    "apps.transactions.seed.seed_ledger",
    "apps.budgets.seed.seed_budgets",
)


class Command(BaseCommand):
    help = "Create the demo users (and their demo data); running it again changes nothing."

    def handle(self, *args, **options):
        from django.utils.module_loading import import_string

        with transaction.atomic():
            sync_roles()
            users = {}
            for email, name, role, staff in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    email=email, defaults={"display_name": name, "is_staff": staff}
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                user.groups.add(Group.objects.get(name=role))
                users[role] = user
                self.stdout.write(f"{'created' if created else 'kept'} {role}: {email}")
        for step in SEED_STEPS:
            try:
                func = import_string(step)
            except ImportError:
                continue
            func(users[CUSTOMER], self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo logins use the password '{DEMO_PASSWORD}'."))
