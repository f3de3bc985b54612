from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied

# Set on a request whose login the lockout refused before any password was checked.
REFUSED_BY_LOCKOUT = "login_refused_by_lockout"


def refused_by_lockout(request) -> bool:
    """True when this request's failed login was a lockout's refusal, not a wrong password:
    Django reports both with user_login_failed, the audit trail records only the second
    (the lockout itself is recorded by django-axes' user_locked_out)."""
    return bool(getattr(request, REFUSED_BY_LOCKOUT, False))


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' backend (first in AUTHENTICATION_BACKENDS), marking the refusals."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, REFUSED_BY_LOCKOUT, True)
            raise


class RequestOptionalAxesBackend(LockoutBackend):
    """Test settings only: Django's test Client.login() authenticates without a request.

    Such a call is not a web login (nothing to key a lockout on), so it is let through
    to the next backend; every request-carrying call is checked exactly as in production.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
