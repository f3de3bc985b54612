"""Data versions (apps.core.versions): PostgreSQL changes a user's number in the transaction
of any change of a row of theirs, whoever writes it (ORM, bulk update, plain SQL)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from apps.core import versions
from apps.transactions.models import Transaction
from tests import factories as f

pytestmark = pytest.mark.django_db


def version(user) -> int:
    return versions.read(user.pk)[0]


def test_every_table_that_belongs_to_a_user_is_tracked():
    """Read from the database: every table with a foreign key to the user table (bar the
    ones that change with every request or posting and that no page shows), and the tables
    that hang off them, carry the trigger."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [versions.TRIGGER])
        triggered = {row[0] for row in cursor.fetchall()}
    tracked = {t.table for t in versions.tracked_tables(connection)}
    assert triggered == tracked
    for table in ("users_user", "accounts_account", "transactions_transaction", "transactions_monthlytotal",
                  "transactions_dailytotal", "transactions_category", "budgets_budget", "alerts_alert",
                  "bills_recurringitem", "bills_occurrence", "rewards_pointsentry", "users_user_groups",
                  "imports_importrow", "notifications_notificationpreference"):
        assert table in tracked, table
    assert not tracked & {"django_session", "transactions_ledgerversion", "insights_merchantmonth", "core_dataversion"}


def test_a_posting_an_update_a_delete_and_plain_sql_each_change_the_version(user):
    checking = f.account(user, "Checking", opening="100.00")
    seen = [version(user)]
    entry = f.expense(checking, "10.00")
    seen.append(version(user))
    Transaction.objects.filter(pk=entry.pk).update(description="bulk update, no signal")
    seen.append(version(user))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_account SET name = 'Renamed' WHERE id = %s", [checking.pk])
    seen.append(version(user))
    user.display_name = "Someone else"
    user.save()
    seen.append(version(user))
    assert all(a != b for a, b in zip(seen, seen[1:])), seen
    assert len(set(seen)) == len(seen)


def test_a_child_row_changes_its_parents_owner_version(user, frozen_now):
    """A bill's occurrence has no owner of its own: its change raises its bill's owner's version."""
    from apps.bills import services as bill_services
    from apps.bills.models import Occurrence

    checking = f.account(user, "Checking", opening="100.00")
    bill = bill_services.recurring_create(user=user, kind="bill", name="Market box", amount=Decimal("30.00"),
                                          account_id=checking.pk, category=f.category("food"),
                                          starts_on=date(2025, 12, 15))
    occurrence = Occurrence.objects.create(item=bill, due_on=date(2025, 12, 15), amount=Decimal("30.00"))
    before = version(user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bills_occurrence SET failure_reason = 'x' WHERE id = %s", [occurrence.pk])
    assert version(user) != before


def test_another_users_change_leaves_mine_alone(user, user_factory):
    other = user_factory()
    f.account(user)
    mine = version(user)
    f.expense(f.account(other, opening="50.00"), "5.00")
    assert version(user) == mine


def test_a_default_category_changes_the_shared_version(user):
    before = versions.read(user.pk)
    f.default_category("some-default-category")
    after = versions.read(user.pk)
    assert after[0] == before[0]
    assert after[1] != before[1]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committed_once_per_transaction_and_never_reused_after_a_rollback(user_factory):
    """At commit, one write of the version row however many rows changed; a rolled-back change
    leaves the version where it was, and the next change gets a number never used before."""
    user = user_factory()
    checking = f.account(user, "Checking", opening="1000.00")
    start = version(user)
    with transaction.atomic():
        for amount in ("1.00", "2.00", "3.00"):
            f.expense(checking, amount)
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM core_dataversion WHERE scope = %s", [user.pk])
            assert cursor.fetchone()[0] == start  # deferred: nothing written before the commit
    after_commit = version(user)
    assert after_commit > start
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM core_dataversion_seq")
        assert cursor.fetchone()[0] == after_commit  # one number taken for the whole transaction
    try:
        with transaction.atomic():
            f.expense(checking, "4.00")
            rolled_back = version(user)  # read inside: the pending raise is applied first
            assert rolled_back not in (start, after_commit)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert version(user) == after_commit
    f.expense(checking, "5.00")
    assert version(user) not in (start, after_commit, rolled_back)
    assert checking.__class__.objects.get(pk=checking.pk).balance == Decimal("989.00")


def test_the_versions_name_their_database_and_its_start(user):
    """A cache that outlives the database (Redis, a database recreated or restored) never
    takes the new database's numbers for the old one's: the database's oid and the server's
    start are part of what is read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        oid = cursor.fetchone()[0]
    database = versions.read(user.pk).database
    assert database.startswith(f"{oid}.") and int(database.split(".")[1]) > 1_600_000_000


def test_a_dump_restored_into_the_same_database_names_another_one(user):
    """pg_restore --clean (or the tables emptied and loaded again) on a running server keeps the
    database's oid and the server's start, and the versions count again from the dump's: the
    version table's new file tells the caches that these are other data."""
    f.account(user, "Checking", opening="100.00")
    before = versions.read(user.pk)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events on the table
        cursor.execute("TRUNCATE core_dataversion")  # what the restore's DROP and CREATE does too
    after = versions.read(user.pk)
    assert after.mine == 0 < before.mine
    assert after.database != before.database
    assert after.database.rsplit(".", 1)[0] == before.database.rsplit(".", 1)[0]  # the same oid and start
