from .views.session import dialog_html, idle_timeout


def session_timeout(request):
    """``session_timeout`` for base.html's warning before the idle logout (None: no idle
    logout): its figures and its dialog, in the active language."""
    timeout = idle_timeout()
    return {"session_timeout": timeout and {**timeout, "dialog": dialog_html(**timeout)}}
