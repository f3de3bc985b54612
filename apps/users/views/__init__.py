"""The users app's pages, one module per journey: ``registration``, ``sign_in`` (password
and second factor), ``two_factor`` (set-up, recovery codes, turning it off), ``password``
(change and reset), ``settings`` (the profile and the email change), ``session`` (the idle logout's warning,
and ending the sessions of other browsers)."""

from .password import PasswordChangeView, PasswordResetConfirmView, PasswordResetView
from .registration import ActivateView, RegisterDoneView, RegisterView
from .session import (
    IdleLogoutView,
    OtherSessionsSignOutView,
    SessionKeepAliveView,
    SessionSignOutView,
    session_keep_alive,
)
from .settings import EmailChangeConfirmView, EmailChangeView, SettingsView
from .sign_in import EmailLoginView, LoginVerifyView
from .two_factor import RecoveryCodesView, TwoFactorDisableView, TwoFactorView

__all__ = [
    "ActivateView", "EmailChangeConfirmView", "EmailChangeView", "EmailLoginView", "IdleLogoutView", "LoginVerifyView",
    "OtherSessionsSignOutView", "PasswordChangeView", "PasswordResetConfirmView", "PasswordResetView",
    "RecoveryCodesView", "RegisterDoneView", "RegisterView", "SessionKeepAliveView", "SessionSignOutView",
    "SettingsView", "TwoFactorDisableView", "TwoFactorView", "session_keep_alive",
]
