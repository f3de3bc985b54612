"""The one table of apps.core: what a user's pages were made from, as a number."""

from django.db import models


class DataVersion(models.Model):
    """A number per user (``scope`` = the user's id; 0 for rows no one owns, such as the
    default categories) that changes in the same database transaction as any row the user
    owns: an account, an entry, a budget, an alert, the user row itself, and the rows that
    hang off them. It is raised by PostgreSQL triggers (``apps.core.versions``), so no code
    path can forget it: an ORM save, a bulk update, plain SQL and the worker all raise it.
    A cached page is keyed by it (``apps.core.pagecache``), so it is never older than its key.

    The numbers come from one sequence: unique, never reused, even after a rollback or a
    test database flush, so one key never stands for two different states."""

    scope = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self):
        return f"data version {self.version} of scope {self.scope}"
