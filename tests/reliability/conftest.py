"""The reliability suite runs on real commits: several threads (each with its own
database connection) and killed connections cannot live inside one test transaction.

So the tests here do not use pytest-django's per-test transaction; they share
`committed_db`, which opens the database for the whole package, keeps what the
tests commit until the end, then checks the whole ledger once more (
`recalculate_balances --check` stays green after the whole suite) and puts the
database back the way Django's `serialized_rollback` does: flush, then reload what
was there before (the migrations' default categories and roles that other tests
rely on). Deleting row by row is not an option: the audit trail is append-only.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.db import connection

from .invariants import ledger_problems, recalculate_balances_check

_sequence = itertools.count()


class CommittedDb:
    """Creates users whose rows are committed for real."""

    def __init__(self):
        self.run = uuid.uuid4().hex[:8]

    def user(self, label: str):
        from apps.users.models import User

        user = User.objects.create_user(
            email=f"rel-{self.run}-{next(_sequence)}-{label}@example.com", password=None, display_name=label,
            time_zone="UTC", default_currency="USD",
        )
        return user


@pytest.fixture(scope="package")
def _test_database(request, django_db_setup, django_db_blocker):
    """pytest-django creates the test database only when a collected test asks for a
    per-test transaction (a django_db mark or the db fixture); these tests do not, so when
    they run alone, set the database up the way pytest-django does."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
            yield
            return
        keepdb = request.config.getoption("reuse_db", False) and not request.config.getoption("create_db", False)
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=keepdb)
        yield
        if not keepdb:
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="package")
def committed_db(_test_database, django_db_blocker):
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        yield CommittedDb()
        connection.close()  # a fault test may have left this thread's connection broken
        try:
            green, output = recalculate_balances_check()
            problems = ledger_problems()
            assert green, f"recalculate_balances --check is red after the reliability suite:\n{output}"
            assert not problems, "ledger invariants broken after the reliability suite:\n" + "\n".join(problems)
        finally:
            connection.creation.deserialize_db_from_string(before)  # empties the database first (tests/postgresql)
            connection.close()
