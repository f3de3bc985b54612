"""Signed unsubscribe tokens: the link in an email turns one kind of alert off on one channel
for one user, without logging in. Signed with the SECRET_KEY (django.core.signing), so a token
cannot be made for another user, kind or channel, nor altered."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "bankdash.notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str
    channel: str


def unsubscribe_token(*, user_id: int, kind: str, channel: str) -> str:
    return signing.dumps([user_id, kind, channel], salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    """The request the token carries, or None for a forged, altered or malformed token."""
    try:
        user_id, kind, channel = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str) or not isinstance(channel, str):
        return None
    return Unsubscribe(user_id=user_id, kind=kind, channel=channel)


# The digest's link turns the digest off (a token of its own salt: an alert's token cannot be
# replayed as a digest one, nor the other way round).
DIGEST_SALT = "bankdash.notifications.digest-unsubscribe"


def digest_unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=DIGEST_SALT, compress=True)


def read_digest_unsubscribe_token(token: str) -> int | None:
    """The user id the digest link was made for, or None for a forged, altered or malformed token."""
    try:
        user_id = signing.loads(token, salt=DIGEST_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None
