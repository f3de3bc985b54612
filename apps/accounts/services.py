"""Writes on accounts that move no money. Opening an account (its opening balance is a
ledger entry) is apps.transactions.services.account_open."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.dates import MAX_YEAR, MIN_YEAR, in_date_range, user_today
from apps.core.money import MAX_AMOUNT, cents, format_money

from .models import Account, OnboardingProgress

LAST4_RE = re.compile(r"^[0-9]{4}$")


def account_name_clean(*, user, name: str, account_id: int | None = None) -> str:
    """The name with its spaces tidied; refused when empty or when another of the user's
    accounts already has it (ignoring case): two "My checking" make every message ambiguous.
    The database's unique index is the last guard."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter a name for the account.")})
    if len(name) > Account._meta.get_field("name").max_length:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    others = Account.objects.filter(owner=user, name__iexact=name)
    if account_id is not None:
        others = others.exclude(pk=account_id)
    if others.exists():
        raise ValidationError({"name": _("You already have an account called “%(name)s”: choose another name.")
                               % {"name": name}})
    return name


# "Leave this setting as it is" for the optional settings of account_update whose None means "off".
KEEP = object()


def account_update(*, user, account_id: int, name: str, institution: str = "", number_last4: str = "",
                   forecast_buffer: Decimal | None = None, low_balance_alert_below: Decimal | None | object = KEEP,
                   large_transaction_alert_above: Decimal | None | object = KEEP) -> Account:
    """Rename an account or change its institution, last four digits, forecast buffer (None:
    unchanged) or alert thresholds (None: no alert; KEEP: unchanged); never its balance."""
    name = account_name_clean(user=user, name=name, account_id=account_id)
    if number_last4 and not LAST4_RE.match(number_last4):
        raise ValidationError({"number_last4": _("Enter the last four digits of the account number.")})
    fields = {"name": name, "institution": (institution or "").strip(), "number_last4": number_last4 or ""}
    if forecast_buffer is not None:
        fields["forecast_buffer"] = cents(forecast_buffer, field="forecast_buffer", allow_zero=True)
    for field, value in (("low_balance_alert_below", low_balance_alert_below),
                         ("large_transaction_alert_above", large_transaction_alert_above)):
        if value is not KEEP:
            fields[field] = None if value is None else cents(value, field=field, allow_zero=True)
    # One UPDATE of the descriptive columns only: a concurrent posting's balance change is untouched.
    updated = Account.objects.filter(pk=account_id, owner=user).update(**fields)
    if not updated:
        raise Account.DoesNotExist("No such account.")
    return Account.objects.get(pk=account_id, owner=user)


def account_close(*, user, account_id: int) -> Account:
    """Close an account whose balance is zero. The check and the write are one conditional
    UPDATE, so a posting that commits in between cannot leave a closed account with money."""
    today = user_today(user)
    updated = Account.objects.filter(pk=account_id, owner=user, closed_on__isnull=True, balance=0).update(
        closed_on=today
    )
    account = Account.objects.get(pk=account_id, owner=user)  # DoesNotExist for another user's id
    if not updated:
        if account.is_closed:
            raise ValidationError(_("“%(name)s” is already closed.") % {"name": account.name})
        raise ValidationError(
            _("“%(name)s” still holds %(balance)s. Only an account with a zero balance can be closed: transfer or "
              "spend what is left first.") % {"name": account.name,
                                               "balance": format_money(account.balance, account.currency)}
        )
    return account


@transaction.atomic
def account_credit_limit_set(*, user, account_id: int, credit_limit: Decimal) -> Account:
    """Change a credit card's limit. Refused when the balance is already below minus the new
    limit: the row is locked first, so a purchase committing meanwhile is counted (the
    database's balance-within-limit constraint is the last guard)."""
    account = Account.objects.select_for_update().get(pk=account_id, owner=user)  # DoesNotExist: not theirs
    if account.kind != Account.Kind.CREDIT_CARD:
        raise ValidationError({"credit_limit": _("Only credit cards have a credit limit.")})
    if account.is_closed:
        raise ValidationError({"credit_limit": _("“%(name)s” is closed: reopen it first.") % {"name": account.name}})
    limit = cents(credit_limit or 0, field="credit_limit", allow_zero=True)
    if account.balance < -limit:
        raise ValidationError({"credit_limit": _(
            "The balance of “%(name)s” is already %(balance)s: the limit cannot be lower than %(minimum)s.") % {
            "name": account.name, "balance": format_money(account.balance, account.currency),
            "minimum": format_money(-account.balance, account.currency)}})
    Account.objects.filter(pk=account.pk).update(credit_limit=limit)
    account.credit_limit = limit
    return account


@transaction.atomic
def account_goal_set(*, user, account_id: int, amount: Decimal | None, on: date | None = None) -> Account:
    """Set (or, with ``amount`` None, remove) the savings goal of one of the user's accounts: an
    amount to reach and, optionally, the day to reach it by (after today)."""
    account = Account.objects.select_for_update().get(pk=account_id, owner=user)  # DoesNotExist: not theirs
    if amount is None:
        Account.objects.filter(pk=account.pk).update(goal_amount=None, goal_on=None)
        account.goal_amount = account.goal_on = None
        return account
    if account.kind == Account.Kind.CREDIT_CARD:
        raise ValidationError({"goal_amount": _("A credit card has no savings goal: set one on a savings or "
                                                "checking account.")})
    if account.is_closed:
        raise ValidationError({"goal_amount": _("“%(name)s” is closed: reopen it first.") % {"name": account.name}})
    amount = cents(amount, field="goal_amount")
    if amount >= MAX_AMOUNT:
        raise ValidationError({"goal_amount": _("That amount is too large.")})
    if on is not None and on <= user_today(user):
        raise ValidationError({"goal_on": _("Choose a day after today, or leave it empty.")})
    if on is not None and not in_date_range(on):
        raise ValidationError({"goal_on": _("Choose a date between the years %(first)s and %(last)s.") % {
            "first": MIN_YEAR, "last": MAX_YEAR}})
    Account.objects.filter(pk=account.pk).update(goal_amount=amount, goal_on=on)
    account.goal_amount, account.goal_on = amount, on
    return account


@transaction.atomic
def account_reopen(*, user, account_id: int) -> Account:
    """Open a closed (or archived) account again; its history is where it was."""
    account = Account.objects.select_for_update().get(pk=account_id, owner=user)
    if not account.is_closed:
        raise ValidationError(_("“%(name)s” is already open.") % {"name": account.name})
    Account.objects.filter(pk=account.pk).update(closed_on=None, archived_on=None)
    account.closed_on = account.archived_on = None
    return account


@transaction.atomic
def account_archive(*, user, account_id: int) -> Account:
    """Hide a closed account from the lists and menus; its history stays (statements, exports,
    past months). Only a closed account (so with a zero balance: no money goes out of sight)."""
    account = Account.objects.select_for_update().get(pk=account_id, owner=user)
    if account.is_archived:
        raise ValidationError(_("“%(name)s” is already archived.") % {"name": account.name})
    if not account.is_closed:
        raise ValidationError(_("Close “%(name)s” before archiving it: only a closed account can be archived.")
                              % {"name": account.name})
    account.archived_on = user_today(user)
    Account.objects.filter(pk=account.pk).update(archived_on=account.archived_on)
    return account


@transaction.atomic
def account_unarchive(*, user, account_id: int) -> Account:
    """Show an archived account in the lists again (it stays closed)."""
    account = Account.objects.select_for_update().get(pk=account_id, owner=user)
    if not account.is_archived:
        raise ValidationError(_("“%(name)s” is not archived.") % {"name": account.name})
    Account.objects.filter(pk=account.pk).update(archived_on=None)
    account.archived_on = None
    return account


@transaction.atomic
def onboarding_checklist_dismiss(*, user) -> OnboardingProgress:
    """Hide the dashboard's first-run checklist for good (remembered per user)."""
    progress, _ = OnboardingProgress.objects.select_for_update().get_or_create(owner=user)
    if progress.checklist_dismissed_at is None:
        progress.checklist_dismissed_at = timezone.now()
        progress.save(update_fields=["checklist_dismissed_at"])
    return progress
