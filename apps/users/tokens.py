"""The signed, single-use token of the account activation link."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password reset token (signed with SECRET_KEY, valid PASSWORD_RESET_TIMEOUT,
    three days by default) with its own salt, so neither kind of link opens the other's
    page; it covers is_active, so it stops working once the account is active."""

    key_salt = "apps.users.tokens.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_token = ActivationTokenGenerator()
