"""The current request, for audit records made far from the view (e.g. a ledger
signal): who acted and from which IP. Set by AuditContextMiddleware."""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("audit_current_request", default=None)


def current_request():
    return _current_request.get()


def bind(request):
    return _current_request.set(request)


def unbind(token) -> None:
    _current_request.reset(token)
