from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit.models import AuditEvent
from apps.bills import services as bills
from apps.bills.models import Occurrence
from apps.bills.tests.conftest import TODAY, make_bill
from apps.rewards import services
from apps.rewards.models import BILL_ON_TIME_POINTS, PointsEntry
from apps.rewards.selectors import points_total
from apps.transactions import services as ledger
from tests.factories import AuditorFactory, SupportFactory, UserFactory, account, expense

pytestmark = pytest.mark.django_db
Kind = PointsEntry.Kind


def at(time_machine, day: date):
    time_machine.move_to(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def support():
    """Support staff: the role may grant and remove points (apps.users.roles)."""
    return SupportFactory()


def pay(user, bill, due_on=TODAY, **kwargs):
    kwargs = kwargs or {"post": True}
    return bills.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=due_on, **kwargs)


# --- bills paid on time -----------------------------------------------------------------------

def test_a_bill_paid_on_its_due_date_earns_points_once(user, checking):
    bill = make_bill(checking, amount="100.00")
    occurrence = pay(user, bill)
    [entry] = PointsEntry.objects.filter(owner=user)
    assert (entry.points, entry.kind, entry.occurrence_id) == (BILL_ON_TIME_POINTS, Kind.BILL_ON_TIME, occurrence.pk)
    assert entry.reason == "Rent paid on time (due Dec 15, 2025)"
    assert points_total(user=user) == 20
    # The same occurrence reported paid again (a retried signal) earns nothing more.
    assert services.points_award_for_bill(user=user, occurrence=occurrence, paid_on=TODAY) is None
    assert points_total(user=user) == 20


def test_each_occurrence_earns(user, checking, time_machine):
    bill = make_bill(checking, amount="10.00", frequency="weekly")
    pay(user, bill)
    pay(user, bill, due_on=date(2025, 12, 22), post=True, paid_on=date(2025, 12, 16))  # early counts too
    assert points_total(user=user) == 40


def test_a_late_payment_earns_nothing(user, checking, time_machine):
    bill = make_bill(checking, amount="100.00")
    at(time_machine, date(2025, 12, 16))
    pay(user, bill)
    assert not PointsEntry.objects.exists()
    assert points_total(user=user) == 0


def test_a_linked_expense_counts_by_its_date(user, checking, time_machine):
    bill = make_bill(checking, amount="100.00", frequency="weekly")
    early = expense(checking, "100.00", on=date(2025, 12, 14), category="rent", description="Rent")
    at(time_machine, date(2025, 12, 30))  # linked weeks later: the payment's date decides
    pay(user, bill, transaction_id=early.pk)
    late = expense(checking, "100.00", on=date(2025, 12, 23), category="rent", description="Rent")
    pay(user, bill, due_on=date(2025, 12, 22), transaction_id=late.pk)
    assert list(PointsEntry.objects.values_list("occurrence__due_on", flat=True)) == [TODAY]


def test_autopay_bills_earn_and_income_or_transfers_do_not(user, checking):
    savings = account(user, "Savings")
    make_bill(checking, name="Phone", amount="30.00", autopay=True)
    make_bill(checking, name="Salary", kind="income", cat="salary", amount="3000.00")
    make_bill(checking, name="Saving", kind="transfer", to_account_id=savings.pk, amount="50.00")
    assert len(bills.recurring_post_due().posted) == 3
    [entry] = PointsEntry.objects.all()
    assert entry.reason.startswith("Phone paid on time")


def test_a_refused_payment_earns_nothing(user, checking):
    bill = make_bill(checking, amount="5000.00")
    with pytest.raises(ValidationError):
        pay(user, bill)
    assert not PointsEntry.objects.exists()


# --- undoing a payment ------------------------------------------------------------------------

def test_deleting_the_paying_entry_takes_the_points_back_once(user, checking):
    bill = make_bill(checking, amount="100.00")
    occurrence = pay(user, bill)
    ledger.transaction_delete(user=user, transaction_id=occurrence.transaction_id)
    assert Occurrence.objects.get(pk=occurrence.pk).state == "upcoming"
    assert points_total(user=user) == 0
    reversal = PointsEntry.objects.get(kind=Kind.BILL_ON_TIME_REVERSED)
    assert (reversal.points, reversal.occurrence_id) == (-20, occurrence.pk)
    assert reversal.reason == "Payment undone: Rent paid on time (due Dec 15, 2025)"
    # Paid again: "once per occurrence" means no second award (and no second reversal).
    again = pay(user, bill)
    ledger.transaction_delete(user=user, transaction_id=again.transaction_id)
    assert points_total(user=user) == 0
    assert PointsEntry.objects.count() == 2


def test_undoing_a_late_payment_takes_nothing(user, checking, time_machine):
    bill = make_bill(checking, amount="100.00")
    at(time_machine, date(2025, 12, 20))
    occurrence = pay(user, bill)
    ledger.transaction_delete(user=user, transaction_id=occurrence.transaction_id)
    assert not PointsEntry.objects.exists()


def test_deleting_an_autopay_payment_takes_the_points_back(user, checking):
    make_bill(checking, name="Phone", amount="30.00", autopay=True)
    [posted] = bills.recurring_post_due().posted
    ledger.transaction_delete(user=user, transaction_id=Occurrence.objects.get(pk=posted.pk).transaction_id)
    assert points_total(user=user) == 0
    assert PointsEntry.objects.filter(kind=Kind.BILL_ON_TIME_REVERSED).count() == 1


def test_a_reversal_never_takes_the_total_below_zero(user, checking, support):
    bill = make_bill(checking, amount="100.00")
    occurrence = pay(user, bill)
    services.points_adjust(actor=support, owner_id=user.pk, points=-15, reason="Points given by mistake")
    ledger.transaction_delete(user=user, transaction_id=occurrence.transaction_id)
    assert PointsEntry.objects.get(kind=Kind.BILL_ON_TIME_REVERSED).points == -5
    assert points_total(user=user) == 0


def test_deleting_a_bill_keeps_its_points_history(user, checking):
    bill = make_bill(checking, amount="100.00")
    occurrence = pay(user, bill)
    ledger.transaction_delete(user=user, transaction_id=occurrence.transaction_id)  # open again
    assert bills.recurring_delete(user=user, item_id=bill.pk) is True  # its open date goes with it
    assert not Occurrence.objects.filter(pk=occurrence.pk).exists()
    assert list(PointsEntry.objects.order_by("pk").values_list("points", flat=True)) == [20, -20]


def test_another_customers_occurrence_is_refused(user, checking):
    occurrence = pay(user, make_bill(checking, amount="100.00"))
    with pytest.raises(ValidationError):
        services.points_award_for_bill(user=UserFactory(), occurrence=occurrence, paid_on=TODAY)


# --- staff -----------------------------------------------------------------------------------

def test_staff_grant_and_remove_points_with_a_reason_audited(user, support):
    granted = services.points_adjust(actor=support, owner_id=user.pk, points=50, reason="  Goodwill   after outage ")
    removed = services.points_adjust(actor=support, owner_id=user.pk, points=-30, reason="Duplicate goodwill grant")
    assert (granted.kind, granted.actor, granted.reason) == (Kind.STAFF_GRANT, support, "Goodwill after outage")
    assert (removed.kind, removed.points) == (Kind.STAFF_REMOVAL, -30)
    assert points_total(user=user) == 20
    events = AuditEvent.objects.filter(action=AuditEvent.Action.POINTS_ADJUSTMENT).order_by("pk")
    assert [(e.actor, e.object_type, e.object_id) for e in events] == [
        (support, "rewards.pointsentry", str(granted.pk)), (support, "rewards.pointsentry", str(removed.pk))]
    assert events[1].details == {"owner_id": user.pk, "owner_email": user.email, "points": -30,
                                 "kind": "staff_removal", "reason": "Duplicate goodwill grant"}


@pytest.mark.parametrize(("points", "reason", "field"), [
    (10, "   ", "reason"),
    (0, "A good reason", "points"),
    (100_001, "A good reason", "points"),
    (-1, "More than they have", "points"),
])
def test_bad_adjustments_are_refused_and_write_nothing(user, support, points, reason, field):
    with pytest.raises(ValidationError) as error:
        services.points_adjust(actor=support, owner_id=user.pk, points=points, reason=reason)
    assert field in error.value.message_dict
    assert not PointsEntry.objects.exists() and not AuditEvent.objects.filter(action="points_adjustment").exists()


def test_only_permitted_staff_adjust_and_never_their_own_points(user, support):
    for actor in (user, AuditorFactory(), UserFactory(is_staff=True)):  # a customer; staff without the permission
        with pytest.raises(PermissionDenied):
            services.points_adjust(actor=actor, owner_id=user.pk, points=10, reason="Trying to grant")
    with pytest.raises(PermissionDenied):
        services.points_adjust(actor=support, owner_id=support.pk, points=10, reason="Treating myself")
    assert not PointsEntry.objects.exists()
