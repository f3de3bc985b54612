"""The test database's flush (tests/postgresql/base.py): after a transactional test every table
is empty, procrastinate's and the append-only ones included, and the rows the migrations made
come back the way Django's flush brings them (post_migrate)."""

import pytest
from django.core.management import call_command
from django.db import connection

from apps.audit.models import AuditEvent
from apps.notifications.tasks import deliver
from apps.transactions.models import Category
from apps.users.roles import ROLES
from tests.factories import UserFactory
from tests.postgresql.base import JOB_TABLES


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a constant of this module)
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_flush_empties_every_table_the_job_queue_and_the_append_only_ones():
    from django.contrib.auth.models import Group

    user = UserFactory()
    AuditEvent.objects.create(action=list(AuditEvent.Action)[0], actor=user)
    deliver.defer(delivery_id=0)
    assert count("procrastinate_jobs") == 1 and AuditEvent.objects.count() >= 1

    call_command("flush", verbosity=0, interactive=False)

    assert [table for table in JOB_TABLES if count(table)] == []
    assert AuditEvent.objects.count() == 0
    assert not type(user).objects.exists()
    # What the migrations made is back (flush sends post_migrate): the roles and the default categories.
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert Category.objects.filter(owner=None).exists()


@pytest.mark.django_db
def test_flush_deletes_under_the_replica_role_and_resets_it():
    from django.core.management.color import no_style

    sql = connection.ops.sql_flush(no_style(), ["audit_auditevent", "users_user"])
    assert sql[0] == "SET LOCAL session_replication_role = replica"
    assert sql[-1] == "SET LOCAL session_replication_role = origin"
    assert 'DELETE FROM "procrastinate_jobs"' in sql
    with_sequences = connection.ops.sql_flush(no_style(), ["users_user"], reset_sequences=True)
    assert with_sequences[0].startswith("TRUNCATE") and '"procrastinate_jobs"' in with_sequences[0]
