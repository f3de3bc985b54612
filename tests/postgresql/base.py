"""The test database's engine: Django's PostgreSQL backend with a cheaper flush.

After every transactional test (``transactional_db``, the browser tests, the concurrency
tests) Django empties the database with one ``TRUNCATE`` of every table. In PostgreSQL that
costs about 0.27 s here however few rows the tables hold (each table gets new files).
Here the flush deletes the rows instead, in one transaction with
``session_replication_role = replica``. That role switches off triggers and foreign-key checks,
so the order of the tables does not matter, and the append-only guards on the audit trail and
the points ledger stay out of the way, as they do for ``TRUNCATE``. The flush then takes
8–30 ms. Either way the flush also empties procrastinate's tables, which Django does not own:
a job deferred by one test is not found by the next (whichever test that is under pytest-xdist).

The role needs a superuser (the test database's owner on our machines and in pgserver). For
another role, or when sequences are to be reset, the flush is Django's ``TRUNCATE``.
"""

from django.db.backends.postgresql import base, creation, operations

from apps.core.db import is_superuser

# procrastinate's tables (not Django models), emptied with the rest when they exist.
JOB_TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs", "procrastinate_workers")


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables:
            return []
        existing = set(self.connection.introspection.table_names())
        everything = [*tables, *(table for table in JOB_TABLES if table in existing and table not in tables)]
        if reset_sequences or not is_superuser(self.connection):
            return super().sql_flush(style, everything, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}" for table in everything),
            "SET LOCAL session_replication_role = origin",
        ]


class DatabaseCreation(creation.DatabaseCreation):
    def deserialize_db_from_string(self, data):
        """Reload the rows the migrations made (a ``serialized_rollback`` test) into an empty
        database. Django assumes it is empty already; it is not after a transactional test without
        ``serialized_rollback``, whose flush sent post_migrate (the roles, content types and default
        categories made again, with new ids): reloaded over them, the roles' names collided."""
        from django.core.management import call_command

        call_command("flush", database=self.connection.alias, verbosity=0, interactive=False,
                     reset_sequences=False, inhibit_post_migrate=True)
        super().deserialize_db_from_string(data)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation
