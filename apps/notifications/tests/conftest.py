"""A real SMTP server (aiosmtpd, on 127.0.0.1) and a real procrastinate worker run in-process
against the test database (``wait=False``: it runs the jobs due, then returns)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.db import connections
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server started for the test; the email backend is Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    inbox.controller = controller
    yield inbox
    if controller.loop.is_running():
        controller.stop()


def run_worker(queues=("notifications",)) -> None:
    """Run the jobs that are due now, as ``manage.py procrastinate worker`` would, then return."""

    async def work():
        async with app.open_async():
            await app.run_worker_async(queues=list(queues), wait=False, install_signal_handlers=False,
                                       listen_notify=False)
        await sync_to_async(connections.close_all)()

    # As the management command does: the worker on a psycopg pool of its own, not Django's connection.
    with app.replace_connector(app.connector.get_worker_connector()):
        asyncio.run(work())


def jobs(task_name="notifications.deliver"):
    return ProcrastinateJob.objects.filter(task_name=task_name).order_by("id")


def dispatch_deferred() -> list[int]:
    """What the worker's ``dispatch`` jobs do, run here in the test's own transaction (a worker
    cannot see a test's uncommitted rows): the deliveries of every dispatch job still to do.
    The jobs are left as they are (run again by a worker, they would create nothing new).
    Returns the new deliveries' ids."""
    from apps.notifications.services import deliveries_create

    return [pk for job in jobs("notifications.dispatch").filter(status="todo")
            for pk in deliveries_create(alert_ids=job.args["alert_ids"])]
