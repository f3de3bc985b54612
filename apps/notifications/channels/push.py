"""Web push (to be built): VAPID-signed, encrypted pushes to the customer's registered browsers."""

from __future__ import annotations

from ..models import Channel


class PushChannel:
    name = Channel.PUSH
    label = Channel.PUSH.label
    default_enabled = True

    def reachable(self, owner_ids: set[int]) -> set[int]:
        return set()  # nothing is sent until the channel is built

    def send(self, delivery) -> None:
        raise NotImplementedError("web push is not built yet")
