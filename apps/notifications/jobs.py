"""Deferring procrastinate jobs inside the current database transaction.

procrastinate's Django app defers through Django's connection, so a job deferred in a
``transaction.atomic`` block commits or rolls back with it. Inside the worker
(``manage.py procrastinate worker``) the app talks to PostgreSQL through its own pool instead,
so a job deferred there would commit on its own; alerts raised by a periodic job (a bill
posted, a budget re-checked) must still commit with their delivery jobs. This helper always
defers through Django's connection, whoever calls it.
"""

from __future__ import annotations

from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.jobs import JobDeferrer
from procrastinate.manager import JobManager

BATCH_SIZE = 1000

_django_jobs = JobManager(connector=DjangoConnector())


def defer_in_transaction(task, kwargs_list: list[dict], **options) -> list[int]:
    """Defer one job of ``task`` per kwargs dict (``options`` as for ``task.configure``), in
    batches of one INSERT, through Django's connection. Returns the job ids."""
    job = task.configure(**options).job
    ids: list[int] = []
    for start in range(0, len(kwargs_list), BATCH_SIZE):
        ids += JobDeferrer(job_manager=_django_jobs, job=job).batch_defer(*kwargs_list[start:start + BATCH_SIZE])
    return ids
