"""Check (or repair) every stored balance, monthly total and daily total against the ledger rows.

    python manage.py recalculate_balances --check   # report; exit 1 if anything differs
    python manage.py recalculate_balances           # repair under row locks and say what changed
"""

import sys

from django.core.management.base import BaseCommand

from apps.transactions import services
from apps.transactions.selectors import balance_mismatches, daily_total_mismatches, monthly_total_mismatches


def _balance_line(m):
    return (f"account {m.account_id} “{m.account_name}” ({m.owner_email}): stored {m.stored} {m.currency}, "
            f"ledger {m.ledger} {m.currency}")


def _bucket_line(m):
    return (f"monthly total account {m.account_id} category {m.category_id} {m.month:%Y-%m} {m.kind}: "
            f"stored {m.stored_total} ({m.stored_count} entries), ledger {m.ledger_total} ({m.ledger_count} entries)")


def _day_line(m):
    return (f"daily total account {m.account_id} category {m.category_id} {m.day:%Y-%m-%d} {m.kind}: "
            f"stored {m.stored_total} ({m.stored_count} entries), ledger {m.ledger_total} ({m.ledger_count} entries)")


class Command(BaseCommand):
    help = ("Compare every account balance with its ledger (credits minus debits) and every monthly total "
            "and daily total with its income/expense rows; repair the differences, or with --check only report them.")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only report differences; exit with status 1 if there are any.")

    def handle(self, *args, check=False, **options):
        if check:
            self._check()
        else:
            self._repair()

    def _check(self):
        balances, buckets, days = balance_mismatches(), monthly_total_mismatches(), daily_total_mismatches()
        for mismatch in balances:
            self.stdout.write(_balance_line(mismatch))
        for bucket in buckets:
            self.stdout.write(_bucket_line(bucket))
        for day in days:
            self.stdout.write(_day_line(day))
        if balances or buckets or days:
            self.stdout.write(self.style.ERROR(
                f"{len(balances)} balance(s), {len(buckets)} monthly total(s) and {len(days)} daily total(s) "
                "differ from the ledger."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(
            "All balances and monthly totals match the ledger. So do the daily totals."))

    def _repair(self):
        report = services.ledger_repair()
        for mismatch in report.balances:
            self.stdout.write(f"repaired {_balance_line(mismatch)} -> now {mismatch.ledger} {mismatch.currency}")
        for bucket in report.monthly_totals:
            self.stdout.write(f"repaired {_bucket_line(bucket)}")
        for day in report.daily_totals:
            self.stdout.write(f"repaired {_day_line(day)}")
        for mismatch, reason in report.failed:
            self.stderr.write(f"could not repair {_balance_line(mismatch)}: {reason}")
        if report.failed:
            self.stderr.write(self.style.ERROR(
                f"{len(report.failed)} account(s) need a person: their ledger breaks a rule (see above)."))
            sys.exit(1)
        if report.changed:
            self.stdout.write(self.style.SUCCESS(
                f"Repaired {len(report.balances)} balance(s) and {len(report.monthly_totals)} monthly total(s)."
                + (f" Repaired {len(report.daily_totals)} daily total(s)." if report.daily_totals else "")))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to repair: all balances and monthly totals match."))
