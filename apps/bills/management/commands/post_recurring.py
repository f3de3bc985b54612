from django.core.management.base import BaseCommand, CommandError

from apps.bills.forecast_alerts import forecast_alerts_send
from apps.bills.services import RunSummary, bill_reminders_send, recurring_post_due


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Command(BaseCommand):
    help = ("Post every bill with autopay, recurring income and recurring transfer due up to today (each "
            "customer's today), exactly once, then send the bill reminders and overdue alerts that are due, "
            "and the forecast's low-balance alerts (once per occurrence). "
            "Safe to run from cron every minute, and twice at the same moment.")

    def handle(self, *args, **options):
        summary = RunSummary()
        recurring_post_due(summary=summary)
        bill_reminders_send(summary=summary)
        # After the postings: the forecast starts from the balances they leave.
        forecast_alerts, forecast_errors = forecast_alerts_send()
        summary.errors += forecast_errors
        verbosity = options["verbosity"]
        if verbosity > 1:
            for occurrence in summary.posted:
                self.stdout.write(f"posted {occurrence.item.name} ({occurrence.amount}) due {occurrence.due_on} "
                                  f"for {occurrence.item.owner.email}")
            for occurrence in summary.failed:
                self.stdout.write(f"failed {occurrence.item.name} ({occurrence.amount}) due {occurrence.due_on} "
                                  f"for {occurrence.item.owner.email}: {occurrence.failure_reason}")
        self.stdout.write(f"Sent {_plural(forecast_alerts, 'low-balance forecast alert')}.")
        line = (f"Posted {_plural(len(summary.posted), 'payment')}, {len(summary.failed)} failed; sent "
                f"{_plural(summary.reminders, 'reminder')} and {_plural(summary.overdue_alerts, 'overdue alert')}.")
        if summary.errors:
            # The other items went on; a non-zero exit tells cron's monitoring to look at the log.
            self.stdout.write(line)
            raise CommandError(f"{_plural(summary.errors, 'item')} could not be processed: see the log.")
        self.stdout.write(self.style.SUCCESS(line))
