"""Small helpers shared by the test modules."""

from django.contrib.messages import get_messages


def messages_of(response):
    """The texts of the Django messages a response carries."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for a child process to reach the test run's PostgreSQL (database ``name``,
    default the connection's own). The private PostgreSQL (pgserver) listens on a socket
    directory, which goes in the ``host`` query parameter."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    auth = (db["USER"] or "postgres") + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host, port, name = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, name or db["NAME"]
    if host.startswith("/"):
        return f"postgres://{auth}@:{port}/{name}?host={quote(host)}"
    return f"postgres://{auth}@{host}:{port}/{name}"


def empty_job_queue() -> None:
    """Empty procrastinate's tables, for tests that commit without the per-test flush (which
    empties them too: tests/postgresql/base.py)."""
    from django.db import connection

    from tests.postgresql.base import JOB_TABLES

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(JOB_TABLES)} CASCADE")
