"""Lift a login lockout (django-axes) for an account, an IP address, or both.

    python manage.py login_unlock --email Dana@Example.com   # any spelling: the normal form is used
    python manage.py login_unlock --ip 203.0.113.7
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.users import services


class Command(BaseCommand):
    help = ("Forget the failed logins counted against an account (--email) and/or from an IP address (--ip), "
            "which lifts their lockout at once.")

    def add_arguments(self, parser):
        parser.add_argument("--email", help="The account's email address, in any letter case.")
        parser.add_argument("--ip", dest="ip_address", help="The IP address (IPv4 or IPv6).")

    def handle(self, *args, email=None, ip_address=None, **options):
        try:
            count = services.login_unlock(email=email, ip_address=ip_address)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        named = " and ".join(filter(None, [email and f"account {email}", ip_address and f"IP {ip_address}"]))
        self.stdout.write(f"Unlocked {named}: {count} attempt record(s) removed.")
