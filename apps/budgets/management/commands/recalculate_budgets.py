from django.core.management.base import BaseCommand

from apps.budgets.services import budget_recalculate_all


class Command(BaseCommand):
    help = "Re-evaluate every active budget's current period and create the alerts that are missing."

    def handle(self, *args, **options):
        created = budget_recalculate_all()
        for alert in created:
            self.stdout.write(f"created {alert.kind} for {alert.owner.email}: {alert.message}")
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(created)} alert{'s' if len(created) != 1 else ''}."))
        else:
            self.stdout.write(self.style.SUCCESS("No new alerts: every budget's alerts are up to date."))
