"""What a web request may expect of PostgreSQL: bounded waits, and a name for each way
the database can fail that is not a bug (so the error pages can say what happened).

Bounded waits: ``use_request_timeouts()`` (called by bankdash/wsgi.py and asgi.py, so
only processes that serve requests) sets ``DATABASE_REQUEST_TIMEOUTS`` (statement_timeout,
lock_timeout) on every connection they open. Management commands, migrations and the
repair command never import the entry points and keep the server's defaults.
"""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.signals import connection_created

# How the database failed, for the error pages and the logs.
UNAVAILABLE = "unavailable"  # cannot connect, connection lost, server shutting down or full
BUSY = "busy"  # a wait or a statement took too long (our timeouts), a deadlock, a serialization failure
READ_ONLY = "read_only"  # a standby after failover, or the database put in read-only mode for maintenance

_BUSY_STATES = {"55P03", "57014", "40P01", "40001"}  # lock_not_available, query_canceled, deadlock, serialization
# admin/crash shutdown, cannot connect now; class 08 (connection exception) and 53 (insufficient resources)
_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03"}
_READ_ONLY_STATE = "25006"  # read_only_sql_transaction
_CONNECTION_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def _chain(exc: BaseException | None):
    """The exception and what caused it (Django wraps psycopg's errors; the session
    middleware wraps Django's), each once."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ if exc.__cause__ is not None else None if exc.__suppress_context__ else exc.__context__


def database_failure(exc: BaseException | None) -> str | None:
    """UNAVAILABLE, BUSY or READ_ONLY when ``exc`` (or its cause) is the database failing
    in one of those ways; None for anything else (a bug, a constraint: a real 500)."""
    sqlstate = sqlstate_of(exc)
    if sqlstate == _READ_ONLY_STATE:
        return READ_ONLY
    if sqlstate in _BUSY_STATES:
        return BUSY
    if sqlstate in _UNAVAILABLE_STATES or (sqlstate or "")[:2] in ("08", "53"):
        return UNAVAILABLE
    if sqlstate is None and any(isinstance(e, _CONNECTION_ERRORS) for e in _chain(exc)):
        return UNAVAILABLE  # refused or lost connection: psycopg gives these no SQLSTATE
    return None


def sqlstate_of(exc: BaseException | None) -> str | None:
    return next((s for s in (getattr(e, "sqlstate", None) for e in _chain(exc)) if s), None)


def set_request_timeouts(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: this connection serves web requests."""
    timeouts = getattr(settings, "DATABASE_REQUEST_TIMEOUTS", None)
    if connection.vendor != "postgresql" or not timeouts:
        return
    names = sorted(timeouts)
    # One round trip; set_config(..., false) lasts for the session, like SET.
    sql = "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in names)
    with connection.cursor() as cursor:
        cursor.execute(sql, [part for name in names for part in (name, str(timeouts[name]))])


def is_superuser(connection=None) -> bool:
    """Whether the database role of ``connection`` (default: Django's default) is a superuser, as
    the server reports it when the connection opens: no statement. The bench's bulk loader and
    the test database's flush switch triggers off (``session_replication_role``) only then."""
    from django.db import connection as default

    connection = connection or default
    connection.ensure_connection()
    return connection.connection.info.parameter_status("is_superuser") == "on"


def use_request_timeouts() -> None:
    """Every database connection this process opens from now on gets the request timeouts."""
    connection_created.connect(set_request_timeouts, dispatch_uid="bankdash.core.request_timeouts")


def stop_request_timeouts() -> None:
    connection_created.disconnect(dispatch_uid="bankdash.core.request_timeouts")


# ---------------------------------------------------------------------------
# Names for plain SQL statements (the hot reads written as one statement: issue 17)
# ---------------------------------------------------------------------------

def table(model) -> str:
    """A model's table, quoted for SQL."""
    from django.db import connection

    return connection.ops.quote_name(model._meta.db_table)


def column(model, field: str) -> str:
    """A model field's column, quoted for SQL (``column(Budget, "owner")`` -> ``"owner_id"``)."""
    from django.db import connection

    return connection.ops.quote_name(model._meta.get_field(field).column)


def columns(model, prefix: str = "") -> str:
    """Every concrete column of a model, quoted and comma-separated (``prefix``: a table alias
    with its dot), for a plain statement whose rows become models (``Model.objects.raw``)."""
    from django.db import connection

    return ", ".join(f"{prefix}{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)
