"""Signals the users app sends, for the audit trail (apps.audit.receivers).

password_changed:  user, request, how ("change" | "reset")
two_factor_changed: user, request, action ("enabled" | "disabled" | "recovery_codes_generated" | "verified")
password_reset_requested: request, email, throttled (bool)
"""

from django.dispatch import Signal

password_changed = Signal()
two_factor_changed = Signal()
password_reset_requested = Signal()
