"""Staff corrections: a ledger entry with a reason, on any customer's account."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.accounts.models import Account
from apps.core.dates import user_today
from apps.core.money import cents

from ..models import Transaction
from .ledger import Kind, apply_deltas, effects, lock_accounts, record


@transaction.atomic
def adjustment_post(*, staff_user, account_id: int, amount: Decimal, reason: str) -> Transaction:
    """A staff correction: a ledger entry (credit if ``amount`` > 0, debit if < 0) on any
    customer's account, with the reason as its description, dated today where the account's
    owner lives. Balances never change silently: ``ledger_changed`` carries ``actor`` and
    ``reason`` for the audit trail."""
    if not (staff_user.is_active and staff_user.is_staff):
        raise PermissionDenied("Only staff can post corrections.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give the reason for this correction."})
    try:
        signed = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": "Enter an amount as a number, for example -12.50."}) from None
    size = cents(abs(signed) if signed.is_finite() else signed)
    account = Account.objects.select_related("owner").filter(pk=account_id).first()
    if account is None:
        raise ValidationError({"account": "There is no such account."})
    owner = account.owner
    accounts = lock_accounts(user=owner, account_ids=[account.pk])
    row = Transaction(owner=owner, account=accounts[account.pk], amount=size, description=reason[:255],
                      kind=Kind.ADJUSTMENT_IN if signed > 0 else Kind.ADJUSTMENT_OUT,
                      occurred_on=user_today(owner))
    apply_deltas(accounts, effects([row]))
    record([row], user=owner, actor=staff_user, reason=reason)
    return row
