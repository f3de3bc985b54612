"""Outgoing webhooks (to be built): a signed JSON POST to each active URL the customer added."""

from __future__ import annotations

from ..models import Channel


class WebhookChannel:
    name = Channel.WEBHOOK
    label = Channel.WEBHOOK.label
    default_enabled = True

    def reachable(self, owner_ids: set[int]) -> set[int]:
        return set()  # nothing is sent until the channel is built

    def send(self, delivery) -> None:
        raise NotImplementedError("webhooks are not built yet")
