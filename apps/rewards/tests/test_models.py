"""The points ledger's rules hold in the database itself."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from apps.bills import services as bills
from apps.bills.tests.conftest import TODAY, make_bill
from apps.rewards.models import PointsEntry
from apps.rewards.selectors import points_total
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = PointsEntry.Kind


@pytest.fixture
def earned(user, checking):
    bill = make_bill(checking, amount="100.00")
    bills.occurrence_mark_paid(user=user, item_id=bill.pk, due_on=TODAY, post=True)
    return PointsEntry.objects.get(owner=user)


@pytest.mark.parametrize("write", [
    lambda e: PointsEntry.objects.filter(pk=e.pk).update(points=1000),
    lambda e: PointsEntry.objects.filter(pk=e.pk).delete(),
    lambda e: e.delete(),
    lambda e: e.save(),
], ids=["queryset-update", "queryset-delete", "instance-delete", "instance-save"])
def test_orm_cannot_rewrite_points(earned, write):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        write(earned)
    assert PointsEntry.objects.get(pk=earned.pk).points == 20


@pytest.mark.parametrize("sql", [
    "UPDATE rewards_pointsentry SET points = 1000 WHERE id = %s",
    "DELETE FROM rewards_pointsentry WHERE id = %s",
])
def test_raw_sql_cannot_rewrite_points(earned, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [earned.pk])
    assert PointsEntry.objects.get(pk=earned.pk).points == 20


def test_an_occurrence_earns_once_and_is_reversed_once(user, earned):
    PointsEntry.objects.create(owner=user, kind=Kind.BILL_ON_TIME_REVERSED, points=-5,
                               occurrence_id=earned.occurrence_id, reason="partly undone")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(owner=user, kind=Kind.BILL_ON_TIME, points=20,
                                   occurrence_id=earned.occurrence_id, reason="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(owner=user, kind=Kind.BILL_ON_TIME_REVERSED, points=-5,
                                   occurrence_id=earned.occurrence_id, reason="again")
    assert points_total(user=user) == 15


def test_a_reversal_takes_back_at_most_what_was_earned(user, earned):
    PointsEntry.objects.create(owner=user, kind=Kind.STAFF_GRANT, points=100, actor=UserFactory(is_staff=True),
                               reason="enough to take from")
    with pytest.raises(IntegrityError, match="at most what"), transaction.atomic():
        PointsEntry.objects.create(owner=user, kind=Kind.BILL_ON_TIME_REVERSED, points=-21,
                                   occurrence_id=earned.occurrence_id, reason="too much")


def test_the_total_never_goes_below_zero(user, earned):
    staff = UserFactory(is_staff=True)
    with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
        PointsEntry.objects.create(owner=user, kind=Kind.STAFF_REMOVAL, points=-21, actor=staff, reason="too much")
    PointsEntry.objects.create(owner=user, kind=Kind.STAFF_REMOVAL, points=-20, actor=staff, reason="all of it")
    assert points_total(user=user) == 0


@pytest.mark.parametrize("fields", [
    {"kind": "bonus", "points": 5},  # no such kind
    {"kind": Kind.STAFF_GRANT, "points": -5},  # a grant is positive
    {"kind": Kind.STAFF_GRANT, "points": 0},
    {"kind": Kind.STAFF_GRANT, "points": 5, "actor": None},  # staff changes name their author
    {"kind": Kind.STAFF_GRANT, "points": 5, "reason": ""},
])
def test_the_database_refuses_malformed_entries(user, fields):
    values = {"owner": user, "reason": "because", "actor": UserFactory(is_staff=True), **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(**values)
    assert not PointsEntry.objects.exists()
