from .views.session import idle_timeout


def session_timeout(request):
    """``session_timeout`` for base.html's warning before the idle logout (None: no idle logout)."""
    return {"session_timeout": idle_timeout()}
