"""Security alerts: a sign-in from a device the user has not used before, a change of the
password or of two-factor authentication, and sign-ins paused after too many failed attempts.
Raised through ``alerts_raise`` from the users app's signals (apps.alerts.receivers), inside
the transaction that recorded the event, so the alert and its deliveries commit with it.

Once per occurrence: ``new_sign_in:<device id>`` (a device is new once) and
``security:<user id>:<uuid>`` (each change is its own event; the key only makes the row
unique, the event happens once because its service runs once); a pause once while it lasts
(``account_locked:<user id>:<uuid>``, not raised again while the last one is younger than the
pause: its service holds the user's row, so two reports at once are read one after the other).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import formats
from apps.users.devices import browser_shown, os_shown

from .models import Alert, AlertKind
from .services import alerts_raise

IF_NOT_YOU = gettext_lazy("If it was not you, change your password now and contact support.")
IF_NOT_YOURS = gettext_lazy("If they were not yours, your password held: change it if it may be guessed, and turn "
                            "on two-factor authentication.")
SECURITY_CHANGES = {
    "password_change": gettext_lazy("Your password was changed."),
    "password_reset": gettext_lazy("Your password was reset with the link we emailed."),
    "two_factor_enabled": gettext_lazy("Two-factor authentication was turned on for your account."),
    "two_factor_disabled": gettext_lazy("Two-factor authentication was turned off for your account."),
    "two_factor_recovery_codes_generated": gettext_lazy(
        "New two-factor recovery codes were created; the old ones no longer work."),
}


def new_sign_in_message(*, browser: str, os: str, network: str) -> str:
    """In the active language: call it inside ``formats.for_user(user)``."""
    return _("New sign-in to your account from %(browser)s on %(os)s, from the network %(network)s (the network, "
             "not an exact place). %(if_not_you)s") % {"browser": browser, "os": os, "network": network,
                                                       "if_not_you": IF_NOT_YOU}


def new_sign_in_alert(*, user, device, network: str) -> list[Alert]:
    """Tell ``user`` of a sign-in from ``device`` (a KnownDevice just recorded), once per device,
    in the user's language."""
    with formats.for_user(user):
        message = new_sign_in_message(browser=browser_shown(device.browser, alone=False), os=os_shown(device.os),
                                      network=network)
    return alerts_raise([Alert(owner=user, kind=AlertKind.NEW_SIGN_IN, message=message,
                               dedupe_key=f"new_sign_in:{device.pk}")], ignore_conflicts=True)


def security_change_alert(*, user, what: str) -> list[Alert]:
    """Tell ``user`` of a change to how their account is protected (a SECURITY_CHANGES key;
    anything else, such as a code verified at login, is no change and raises nothing), in the
    user's language."""
    text = SECURITY_CHANGES.get(what)
    if text is None:
        return []
    with formats.for_user(user):
        # Two sentences: what changed, then what to do if it was not them.
        message = f"{text} {IF_NOT_YOU}"
    return alerts_raise([Alert(owner=user, kind=AlertKind.SECURITY_CHANGE, message=message,
                               dedupe_key=f"security:{user.pk}:{uuid4().hex}")], ignore_conflicts=True)


# Locked until support unlocks (no cool-off): told once a day at most.
UNTIL_UNLOCKED_TOLD_EVERY = timedelta(days=1)


def account_locked_message(*, minutes: int | None, network: str) -> str:
    """In the active language: call it inside ``formats.for_user(user)``."""
    if minutes is None:
        text = _("Sign-ins to your account are paused after too many failed attempts, until our support team "
                 "unlocks them.")
    elif network:
        text = _("Sign-ins to your account are paused for %(minutes)s minutes after too many failed attempts, the "
                 "last from the network %(network)s.") % {"minutes": minutes, "network": network}
    else:
        text = _("Sign-ins to your account are paused for %(minutes)s minutes after too many failed "
                 "attempts.") % {"minutes": minutes}
    return f"{text} {IF_NOT_YOURS}"


def account_locked_alert(*, user, network: str, pause: timedelta | None) -> list[Alert]:
    """Tell ``user`` that sign-ins to their account are paused for ``pause`` (None: until
    support unlocks them), once while the pause lasts, in the user's language."""
    since = timezone.now() - (pause if pause is not None else UNTIL_UNLOCKED_TOLD_EVERY)
    if Alert.objects.filter(owner=user, kind=AlertKind.ACCOUNT_LOCKED, created_at__gte=since).exists():
        return []
    with formats.for_user(user):
        message = account_locked_message(minutes=pause // timedelta(minutes=1) if pause is not None else None,
                                         network=network)
    return alerts_raise([Alert(owner=user, kind=AlertKind.ACCOUNT_LOCKED, message=message,
                               dedupe_key=f"account_locked:{user.pk}:{uuid4().hex}")], ignore_conflicts=True)
