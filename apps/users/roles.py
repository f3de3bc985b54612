"""The roles of BankDash, as Django groups with model permissions.

customer: no model permissions; views scope every query to the owner.
support:  staff who view customers' data in the admin, unlock locked-out users, sign a
          customer out everywhere and send system alerts; never any add/change/delete on money.
auditor:  staff with read-only access to everything, the audit trail included.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CUSTOMER = "customer"
SUPPORT = "support"
AUDITOR = "auditor"
ROLES = (CUSTOMER, SUPPORT, AUDITOR)

# "app_label.codename"; a permission whose app is not installed yet is skipped.
SUPPORT_PERMISSIONS = (
    "users.view_user",
    "users.delete_signedinsession",  # sign a customer out everywhere (the user admin's action)
    "accounts.view_account",
    "transactions.view_transaction",
    "transactions.view_category",
    "transactions.view_attachment",  # what receipts an entry keeps (their names, not their bytes)
    "budgets.view_budget",
    "alerts.view_alert",
    "alerts.add_alert",  # system alerts
    "axes.view_accessattempt",
    "axes.delete_accessattempt",  # unlock a locked-out user
    "axes.view_accessfailurelog",
    "axes.view_accesslog",
    "audit.view_auditevent",
    "bills.view_recurringitem",
    "bills.view_occurrence",
    "rewards.view_pointsentry",
    "rewards.add_pointsentry",  # grant or remove points, with a reason (audited)
)

# Read-only for auditors, except the second-factor secrets (TOTP keys, recovery codes).
AUDITOR_EXCLUDED_APPS = ("otp_totp", "otp_static")


def _permissions(names):
    """The permissions named "app_label.codename", in one statement."""
    wanted = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def sync_roles():
    """Create the groups and set their permissions; safe to run any number of times."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    groups[CUSTOMER].permissions.clear()
    groups[SUPPORT].permissions.set(_permissions(SUPPORT_PERMISSIONS))
    groups[AUDITOR].permissions.set(
        Permission.objects.filter(codename__startswith="view_").exclude(content_type__app_label__in=AUDITOR_EXCLUDED_APPS)
    )
    return groups
