"""Demo data: idempotent, safe to run on every `make run`."""

from django.core.management.base import BaseCommand

from apps.bills.seed import seed_bills
from apps.budgets.seed import seed_budgets
from apps.rewards.seed import seed_rewards
from apps.transactions.seed import seed_ledger
from apps.users.roles import CUSTOMER, SUPPORT
from apps.users.seed import DEMO_PASSWORD, seed_users


class Command(BaseCommand):
    help = ("Create the demo users, their accounts, six months of history, budgets, bills and reward points; "
            "running it again changes nothing.")

    def handle(self, *args, **options):
        users = seed_users(self.stdout)
        seed_ledger(users[CUSTOMER], self.stdout)
        seed_budgets(users[CUSTOMER], self.stdout)
        seed_bills(users[CUSTOMER], self.stdout)
        seed_rewards(users[CUSTOMER], users[SUPPORT], self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo logins use the password '{DEMO_PASSWORD}'."))
