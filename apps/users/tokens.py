"""The signed tokens of the emailed links: account activation (single use), and the link
that confirms a new email address."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password reset token (signed with SECRET_KEY, valid PASSWORD_RESET_TIMEOUT,
    three days by default) with its own salt, so neither kind of link opens the other's
    page; it covers is_active, so it stops working once the account is active."""

    key_salt = "apps.users.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_token = ActivationTokenGenerator()


# ---------------------------------------------------------------------------
# The email change link (apps.users.services.email_change_request / _confirm)
# ---------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "apps.users.tokens.email_change"


@dataclass(frozen=True)
class EmailChangeLink:
    user_id: int
    new_email: str
    from_digest: str  # of the address the link moves from: the link works while it is current

    def moves_from(self, email: str) -> bool:
        return hmac.compare_digest(self.from_digest, _address_digest(email))


def _address_digest(email: str) -> str:
    # Not the address itself: the link is read by whoever holds the new mailbox.
    return hashlib.sha256(f"{EMAIL_CHANGE_SALT}\0{email}".encode()).hexdigest()[:32]


def email_change_link_make(*, user, new_email: str) -> str:
    """A signed, timestamped token (SECRET_KEY, its own salt) naming the user, the new
    address and the current one; valid PASSWORD_RESET_TIMEOUT seconds (three days)."""
    return signing.dumps({"u": user.pk, "to": new_email, "from": _address_digest(user.email)},
                         salt=EMAIL_CHANGE_SALT, compress=True)


def email_change_link_read(token: str) -> EmailChangeLink:
    """The link's content; ValidationError for a forged, damaged or expired token."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired: ask for a new one from your settings page.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid: check that it was copied whole, "
                                "or ask for a new one from your settings page.")) from None
    try:
        return EmailChangeLink(user_id=int(data["u"]), new_email=str(data["to"]), from_digest=str(data["from"]))
    except (KeyError, TypeError, ValueError):
        raise ValidationError(_("This link is not valid.")) from None
