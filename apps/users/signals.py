"""Signals the users app sends, for the audit trail (apps.audit.receivers).

password_changed:  user, request, how ("change" | "reset")
two_factor_changed: user, request, action ("enabled" | "disabled" | "recovery_codes_generated" | "verified")
password_reset_requested: request, email, throttled (bool)
new_device_signed_in: user, device (KnownDevice), network ("203.0.113.0/24"); sent inside the
    transaction that recorded the device, for a device new to a user who had others
    (apps.alerts.receivers tells the user)
profile_changed: user, changes ({"field": [old, new]}); sent inside the transaction of the change
email_changed: user, old_email, new_email; sent inside the transaction of the change
data_exported: user, files (the names in the zip)
data_export_files: user; each receiver returns a list of CSV files to add to the data export's
    zip (apps.profile.exports), each (name, columns, rows: an iterable of tuples of values): the
    files of an app the profile may not import (the audit trail's security activity). Sent while
    the zip is written; the rows are read then, and written as the profile writes its own.
profile_closed: user, email (the address before it was removed), closed_accounts (names); sent
    inside the closing transaction, before the personal data is removed
account_locked: user, network ("198.51.100.0/24", "" when unknown), pause (a timedelta: how long
    sign-ins stay paused, AXES_COOLOFF_TIME; None: until support unlocks them); sent inside the
    transaction that noted a lock of the account (not of an address) (apps.alerts.receivers
    tells the user)
sessions_signed_out: user, sessions (their "Firefox on Linux" names), by (the staff member who
    ended them from the admin, or None), reason ("settings", "password_change", "password_reset",
    "profile_closed", "admin"); sent inside the transaction that ended them
"""

from django.dispatch import Signal

password_changed = Signal()
two_factor_changed = Signal()
password_reset_requested = Signal()
new_device_signed_in = Signal()
profile_changed = Signal()
email_changed = Signal()
data_exported = Signal()
data_export_files = Signal()
profile_closed = Signal()
sessions_signed_out = Signal()
account_locked = Signal()
