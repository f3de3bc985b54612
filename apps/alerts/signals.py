"""Signals the alerts app sends.

``alerts_raised(sender=Alert, alerts=[...])`` is sent by ``alerts_raise`` with the alerts that
were actually inserted, inside the caller's database transaction: a listener that writes (the
notifications' deliveries and their jobs) commits or rolls back with the alerts.
"""

from django.dispatch import Signal

alerts_raised = Signal()
