"""The ways an alert leaves BankDash, by name (see ``base`` for what a channel has). The in-app
list is not one of them: an alert is always in the list."""

from ..models import Channel
from .base import absolute
from .email import EmailChannel
from .push import PushChannel
from .webhook import WebhookChannel

CHANNELS = {Channel.EMAIL: EmailChannel(), Channel.PUSH: PushChannel(), Channel.WEBHOOK: WebhookChannel()}

__all__ = ["CHANNELS", "absolute"]
