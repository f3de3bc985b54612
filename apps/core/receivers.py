"""Receivers of Django's signals that apps.core needs (connected in CoreConfig.ready())."""

from .logging import NO_REQUEST, request_id


def forget_request_id(sender, **kwargs) -> None:
    """``request_finished``: the request id stays set until here (RequestIdMiddleware sets it),
    so the lines Django logs after the middleware ("Not Found: /x") carry it too."""
    request_id.set(NO_REQUEST)
