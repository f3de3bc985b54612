"""The customer's word that an account agrees with their bank at the end of a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.formats import format_day
from apps.core.money import format_money

from ..selectors import balance_at_end_of
from ..signals import account_checked


def check_day_clean(*, account: Account, day: date, today: date) -> None:
    """A day a bank has a balance of this account for: not to come, not before its opening."""
    if day > today:
        raise ValidationError({"on": _("Choose today or a day before: a bank has no balance for a day to come.")})
    if day < account.opened_on:
        raise ValidationError({"on": _("This account was opened on %(day)s: choose that day or a later one.")
                               % {"day": format_day(account.opened_on)}})


@transaction.atomic
def account_mark_checked(*, user, account_id: int, day: date, bank_balance: Decimal) -> Account:
    """Remember that the balance here at the end of ``day`` is the bank's ``bank_balance``: only
    when it is. The account's row is locked as a posting locks it, so no entry can land between
    the comparison and the mark."""
    account = Account.objects.select_for_update().get(pk=account_id, owner=user)
    check_day_clean(account=account, day=day, today=user_today(user))
    ours = balance_at_end_of(account=account, day=day)
    if ours != bank_balance:
        raise ValidationError({"bank_balance": _(
            "At the end of %(day)s this account held %(ours)s here, not %(bank)s: only a balance that agrees "
            "with the bank's is marked as checked.") % {
            "day": format_day(day), "ours": format_money(ours, account.currency),
            "bank": format_money(bank_balance, account.currency)}})
    Account.objects.filter(pk=account.pk).update(checked_on=day, checked_balance=bank_balance)
    account.checked_on, account.checked_balance = day, bank_balance
    account_checked.send(sender=Account, user=user, account=account, day=day, balance=bank_balance)
    return account
