from axes.backends import AxesStandaloneBackend


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    """Test settings only: Django's test Client.login() authenticates without a request.

    Such a call is not a web login (nothing to key a lockout on), so it is let through
    to the next backend; every request-carrying call is checked exactly as in production.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
