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

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)  # as after a transactional test

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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the test database keeps the migrations' rows
def test_serialized_rows_reload_after_a_flush_that_made_them_again():
    """A transactional test without serialized_rollback is flushed with post_migrate (the roles made
    again, new ids); the next serialized_rollback test reloads the migrations' rows over that. The
    reload empties the database first, so no name collides and nothing is there twice."""
    from django.contrib.auth.models import Group

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)  # a test without serialized_rollback
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)
    defaults = Category.objects.filter(owner=None)
    assert defaults.exists() and defaults.count() == defaults.values("name").distinct().count()
