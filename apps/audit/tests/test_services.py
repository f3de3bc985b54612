"""adjustment_post (apps.transactions.services): a correction is a ledger entry with a reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit.models import AuditEvent
from apps.transactions.models import Transaction
from apps.transactions.services import adjustment_post
from tests.factories import AccountFactory, CreditCardFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("root@example.com", "x-long-secret", display_name="Root")


def ledger_sum(account):
    return sum((row.signed_amount for row in Transaction.objects.filter(account=account)), Decimal(0))


def test_credit_and_debit_corrections_move_balance_through_the_ledger(staff):
    account = AccountFactory(opening_balance=Decimal("50.00"))
    credit = adjustment_post(staff_user=staff, account_id=account.pk, amount=Decimal("20.10"), reason="Bank error")
    debit = adjustment_post(staff_user=staff, account_id=account.pk, amount=Decimal("-0.10"), reason="Rounding fix")
    account.refresh_from_db()
    assert account.balance == Decimal("70.00") == ledger_sum(account)
    assert (credit.kind, credit.amount, credit.owner) == (Transaction.Kind.ADJUSTMENT_IN, Decimal("20.10"),
                                                          account.owner)
    assert (debit.kind, debit.amount, debit.description) == (Transaction.Kind.ADJUSTMENT_OUT, Decimal("0.10"),
                                                             "Rounding fix")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CORRECTION).order_by("id")
    assert [(e.actor, e.details["reason"]) for e in events] == [(staff, "Bank error"), (staff, "Rounding fix")]


def test_a_correction_cannot_overdraw():
    staff = SupportFactory()
    account = AccountFactory(opening_balance=Decimal("5.00"))
    with pytest.raises(ValidationError, match="Not enough money"):
        adjustment_post(staff_user=staff, account_id=account.pk, amount=Decimal("-5.01"), reason="Too much")
    card = CreditCardFactory()  # a credit line allows going below zero, up to the limit
    adjustment_post(staff_user=staff, account_id=card.pk, amount=Decimal("-1000.00"), reason="Card charge fix")
    card.refresh_from_db()
    assert card.balance == Decimal("-1000.00")
    account.refresh_from_db()
    assert account.balance == Decimal("5.00")


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        (Decimal("1.00"), "   ", "reason"),
        (Decimal("0"), "Zero", "amount"),
        (Decimal("NaN"), "Not a number", "amount"),
        (Decimal("Infinity"), "Infinite", "amount"),
        (Decimal("0.001"), "Sub-cent", "amount"),
        ("ten", "Text", "amount"),
    ],
)
def test_bad_input_is_refused(staff, amount, reason, field):
    account = AccountFactory(opening_balance=Decimal("5.00"))
    with pytest.raises(ValidationError) as error:
        adjustment_post(staff_user=staff, account_id=account.pk, amount=amount, reason=reason)
    assert field in error.value.message_dict
    assert Transaction.objects.filter(account=account).count() == 1


def test_unknown_account(staff):
    with pytest.raises(ValidationError, match="no such account"):
        adjustment_post(staff_user=staff, account_id=987654, amount=Decimal("1.00"), reason="Missing")


def test_only_active_staff(staff):
    account = AccountFactory(opening_balance=Decimal("5.00"))
    with pytest.raises(PermissionDenied):
        adjustment_post(staff_user=UserFactory(), account_id=account.pk, amount=Decimal("1.00"), reason="Customer")
    staff.is_active = False
    with pytest.raises(PermissionDenied):
        adjustment_post(staff_user=staff, account_id=account.pk, amount=Decimal("1.00"), reason="Inactive")
