"""Data versions: a number per user that PostgreSQL changes whenever a row of theirs does
(``DataVersion``), and what reads it.

Installed after every ``migrate`` (``install_triggers``, connected in CoreConfig.ready), on
every table found in the database itself, so a new app's table is tracked without anyone
remembering to:

* a table with a foreign key to the user table (``owner_id``, ``user_id``) raises its
  owner's version, or scope 0 for a row no one owns (a default category);
* the user table raises the user's own;
* a table without one but with a foreign key to such a table (a bill's occurrence, an
  import's rows) raises the version of its parent's owner.

Each is a deferred constraint trigger per row: the version row is written once per user
per transaction, at its commit, after every other lock the transaction takes. Raising it
with each statement instead would lock the version row at the first write, and two
postings of the same user that take their locks in another order (a form token first,
the account first) would deadlock. ``read`` flushes the pending raises first when it runs
inside a transaction (``SET CONSTRAINTS ... IMMEDIATE``), so a page read in the
transaction that changed the rows never gets the version from before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.db import connections

TRIGGER = "core_dataversion"
SHARED_SCOPE = 0  # rows with no owner (the default categories): every user's pages show them
# A model whose rows no page shows, or which a page read fills, says so itself (apps.core knows
# no app's tables): ``data_version_tracked = False`` on the model class.
TRACKED_ATTRIBUTE = "data_version_tracked"


def not_tracked() -> set[str]:
    from django.apps import apps

    return {model._meta.db_table for model in apps.get_models()
            if not getattr(model, TRACKED_ATTRIBUTE, True)}

BUMP_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION core_dataversion_bump(owner bigint) RETURNS void
LANGUAGE plpgsql AS $bump$
DECLARE
    -- The scopes already raised by this statement (at commit: by this transaction), so a
    -- statement that touched a thousand rows writes the version row once.
    done text := coalesce(current_setting('bankdash.dataversion_done', true), '');
    mark text := statement_timestamp()::text || '|';
BEGIN
    IF owner IS NULL THEN
        RETURN;
    END IF;
    IF left(done, length(mark)) <> mark THEN
        done := mark || ',';
    ELSIF position(',' || owner || ',' IN done) > 0 THEN
        RETURN;
    END IF;
    INSERT INTO core_dataversion (scope, version) VALUES (owner, nextval('core_dataversion_seq'))
    ON CONFLICT (scope) DO UPDATE SET version = EXCLUDED.version;
    PERFORM set_config('bankdash.dataversion_done', done || owner || ',', true);
END
$bump$;
"""

_TABLE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $track$
BEGIN
    IF TG_OP <> 'INSERT' THEN
{old}
    END IF;
    IF TG_OP <> 'DELETE' THEN
{new}
    END IF;
    RETURN NULL;
END
$track$;
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}();
"""

# Single-column foreign keys of the tables in the current schema: (table, column, target table, target column).
_FOREIGN_KEYS_SQL = """
SELECT c.relname, a.attname, t.relname, ta.attname
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class t ON t.oid = k.confrelid
JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
JOIN pg_attribute ta ON ta.attrelid = k.confrelid AND ta.attnum = k.confkey[1]
WHERE k.contype = 'f' AND array_length(k.conkey, 1) = 1 AND n.nspname = current_schema() AND c.relkind = 'r'
ORDER BY c.relname, a.attnum
"""


@dataclass(frozen=True)
class Tracked:
    """A table and how a changed row of it names its user: SQL expressions over ``{row}``
    (NEW or OLD), each raised (a child row with two parents, a bill's occurrence with its
    bill and its posted entry, raises both; the same user is written once)."""

    table: str
    owners: tuple[str, ...]


def tracked_tables(connection) -> list[Tracked]:
    """Every table whose rows belong to a user, read from the database's foreign keys."""
    qn = connection.ops.quote_name
    user_table = _user_table()
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS_SQL)
        keys = cursor.fetchall()
    skipped = not_tracked()
    owned: dict[str, str] = {}  # table -> its column naming the user
    for table, column, target, target_column in keys:
        if target == user_table and target_column == "id" and table not in skipped:
            owned.setdefault(table, column)
    tracked = [Tracked(user_table, ("{row}.id",))]
    tracked += [Tracked(table, (f"coalesce({{row}}.{qn(column)}, {SHARED_SCOPE})",)) for table, column in owned.items()]
    children: dict[str, list[str]] = {}
    for table, column, target, target_column in keys:
        if table in owned or table == user_table or table in skipped or target not in owned:
            continue
        children.setdefault(table, []).append(
            f"(SELECT p.{qn(owned[target])} FROM {qn(target)} p "  # noqa: S608 (quoted names)
            f"WHERE p.{qn(target_column)} = {{row}}.{qn(column)})")
    return tracked + [Tracked(table, tuple(owners)) for table, owners in children.items()]


def _user_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


def install_triggers(using: str = "default") -> list[str]:
    """(Re)install the bump function and one trigger per tracked table; the tables tracked."""
    connection = connections[using]
    qn = connection.ops.quote_name
    tracked = tracked_tables(connection)
    with connection.cursor() as cursor:
        cursor.execute(BUMP_FUNCTION_SQL)
        for item in tracked:
            function = qn(f"core_dv__{item.table}"[:63])
            cursor.execute(_TABLE_FUNCTION_SQL.format(
                function=function, trigger=qn(TRIGGER), table=qn(item.table),
                old=_bumps(item, "OLD"), new=_bumps(item, "NEW")))
    return [item.table for item in tracked]


def _bumps(item: Tracked, row: str) -> str:
    return "\n".join(f"        PERFORM core_dataversion_bump({owner.format(row=row)});" for owner in item.owners)


def install_after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate`` of apps.core: after every migrate, once, with every app's tables there."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regclass('core_dataversion') IS NOT NULL")
        if not cursor.fetchone()[0]:  # migrated backwards past apps.core's table
            return
    install_triggers(using)


class Versions(NamedTuple):
    mine: int  # the user's number, 0 where nothing of theirs has changed since tracking began
    shared: int  # scope 0's
    database: str  # which database holds the numbers: DATABASE_SQL, below


# Which database and since when its server runs and its tables hold what they hold, as SQL
# text: part of every cache key of versioned data, so a cache that outlives a database never
# takes the new one's version numbers, which start again, for the old one's. The oid changes
# when the database is made again, the server's start when it is restored from files; a dump
# restored into the same database on a running server (pg_restore --clean, or the tables
# emptied and loaded again) keeps both but gives core_dataversion a new file (a DROP and
# CREATE or a TRUNCATE does; so does a VACUUM FULL of it, which only makes the caches cold).
DATABASE_SQL = ("((SELECT oid FROM pg_database WHERE datname = current_database())::text || '.' || "
                "floor(extract(epoch FROM pg_postmaster_start_time()))::bigint::text || '.' || "
                "pg_relation_filenode('core_dataversion')::text)")


_READ_SQL = ("SELECT coalesce(max(version) FILTER (WHERE scope = %(user)s), 0), "  # noqa: S608 (an int or %s)
             f"coalesce(max(version) FILTER (WHERE scope = {SHARED_SCOPE}), 0), {DATABASE_SQL} "
             f"FROM core_dataversion WHERE scope IN (%(user)s, {SHARED_SCOPE})")
_READ_SQL_PARAMETERS = _READ_SQL % {"user": "%s"}  # the customer twice as a parameter


def read(user_id: int, using: str = "default") -> Versions:
    """The user's versions, in one round trip. Inside a transaction (a test, a view that wrote
    first) its pending raises are applied first."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Several statements in one round trip (psycopg sends a query without parameters
            # as a simple query): the SET's result comes first.
            cursor.execute(f"SET CONSTRAINTS {TRIGGER} IMMEDIATE; {_READ_SQL % {'user': int(user_id)}}")
            cursor.nextset()
        else:
            # With its parameter, the same statement for every customer: prepared once per
            # connection (bankdash/dbcursor.py); every kept page's answer reads it.
            cursor.execute(_READ_SQL_PARAMETERS, [int(user_id), int(user_id)])
        return Versions(*cursor.fetchone())
