"""Writes of the profile pages: the data export (recorded in the audit trail) and closing a
profile. The audit trail hears of both through apps.users.signals."""

from __future__ import annotations

import tempfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services as account_services
from apps.accounts.models import Account
from apps.core.money import format_money
from apps.notifications.models import (
    DigestPreference,
    DigestSend,
    NotificationPreference,
    PushSubscription,
    QuietHours,
    Webhook,
)
from apps.transactions.models import Attachment
from apps.users.models import KnownDevice, User
from apps.users.services import sessions_sign_out
from apps.users.signals import data_exported, profile_closed

from .exports import export_zip

CLOSED_DISPLAY_NAME = "Closed profile"


class MoneyRemains(ValidationError):
    """Closing refused: ``accounts`` (open, non-zero balance) still hold money."""

    def __init__(self, accounts: list[Account]):
        self.accounts = accounts
        listed = "; ".join(_("“%(name)s” holds %(balance)s") % {"name": a.name,
                                                                  "balance": format_money(a.balance, a.currency)}
                           for a in accounts)
        super().__init__(_("Your profile cannot be closed while money remains in an open account: %(accounts)s. "
                           "Transfer or spend it first, so that every balance is zero.") % {"accounts": listed})


def closed_email(user) -> str:
    """The placeholder address of a closed profile: unique, and undeliverable (RFC 2606 .invalid)."""
    return f"closed-{user.pk}@invalid"


def data_export(*, user) -> tempfile.SpooledTemporaryFile:
    """The zip of everything ``user`` owns (apps.profile.exports); the audit trail records it."""
    archive, names = export_zip(user=user)
    data_exported.send(sender=User, user=user, files=names)
    return archive


def accounts_with_money(*, user) -> list[Account]:
    """The open accounts whose balance is not zero (what stops a profile being closed)."""
    return list(Account.objects.filter(owner=user, closed_on__isnull=True).exclude(balance=0).order_by("name", "id"))


def close_confirmation_matches(*, user, typed: str) -> bool:
    """The confirmation typed on the page: the profile's email address or its password."""
    typed = typed or ""
    return User.objects.normalize_email(typed) == user.email or user.check_password(typed)


@transaction.atomic
def profile_close(*, user, confirmation: str) -> list[str]:
    """Close ``user``'s profile; returns the names of the accounts it closed.

    Refused (MoneyRemains) while an open account holds money, positive or owed. Otherwise,
    in one transaction: the open accounts (all at zero) are closed through the accounts
    service, the audit trail records it (profile_closed, with the address as it was), then the
    personal data goes: the name becomes "Closed profile", the address a placeholder, the
    password unusable (every other session ends: its hash no longer matches), the profile
    inactive; every session ends; known devices, push subscriptions, webhooks, notification and digest settings,
    two-factor devices and the receipts kept with entries are deleted. The ledger stays, owned
    by the anonymous profile, as a bank must keep it; the time zone stays, so its dates still
    read the same."""
    if not close_confirmation_matches(user=user, typed=confirmation):
        raise ValidationError({"confirmation": _("Type your email address or your password exactly, to confirm.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("This profile is already closed."))
    if user.is_staff:
        raise ValidationError(_("A staff profile is closed by an administrator, not from the settings page."))
    open_accounts = list(Account.objects.select_for_update().filter(owner=user, closed_on__isnull=True)
                         .order_by("name", "id"))
    with_money = [a for a in open_accounts if a.balance != 0]
    if with_money:
        raise MoneyRemains(with_money)
    for account in open_accounts:
        account_services.account_close(user=user, account_id=account.pk)
    closed = [a.name for a in open_accounts]
    profile_closed.send(sender=User, user=user, email=user.email, closed_accounts=closed)
    sessions_sign_out(user=user, reason="profile_closed")  # this browser's too: the view then logs it out
    for model in (KnownDevice, TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    for model in (PushSubscription, Webhook, NotificationPreference, QuietHours, DigestPreference, DigestSend,
                  Attachment):
        model.objects.filter(owner=user).delete()
    user.display_name = CLOSED_DISPLAY_NAME
    user.email = closed_email(user)
    user.set_unusable_password()
    user.is_active = False
    user.save(update_fields=["display_name", "email", "password", "is_active"])
    return closed
