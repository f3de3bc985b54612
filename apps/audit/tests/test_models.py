"""The audit table is append-only in the database itself."""

import pytest
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    user = UserFactory(email="who@example.com")
    return AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, actor=user, actor_email=user.email,
                                     ip_address="203.0.113.9", details={"k": "v"})


def test_insert_and_read_back(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_email == "who@example.com"
    assert stored.ip_address == "203.0.113.9"
    assert stored.details == {"k": "v"}
    assert "who@example.com: Logged in" in str(stored)


@pytest.mark.parametrize(
    "write",
    [
        lambda e: AuditEvent.objects.filter(pk=e.pk).update(actor_email="someone-else@example.com"),
        lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
        lambda e: e.delete(),
        lambda e: (setattr(e, "action", "logout"), e.save()),
    ],
    ids=["queryset-update", "queryset-delete", "instance-delete", "instance-save"],
)
def test_orm_cannot_rewrite_history(event, write):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        write(event)
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET ip_address = NULL WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"],
)
def test_raw_sql_cannot_rewrite_history(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, ip_address="203.0.113.9").exists()


def test_a_user_with_history_cannot_be_deleted(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.actor.delete()
