"""Structured logs: one JSON object per line, each carrying the id of the request it
belongs to (RequestIdMiddleware sets it; "-" outside a request).

A 40-line formatter rather than python-json-logger: it is all we need, and it keeps the
output's shape (time, level, logger, request_id, message, then the record's ``extra``
fields) in one place we control. Imported by LOGGING at start-up: stdlib only.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

NO_REQUEST = "-"
request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# What every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "taskName"}
# Django passes the request object itself in ``extra``: the message already names the path.
_DROPPED = {"request", "server_time"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (for any formatter, JSON or text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback is one escaped string, never extra lines."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id.get(),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
