"""The customer's language and number/date formats for the request (issue 16, point 8).

A logged-in customer's locale is the one chosen in settings (``User.locale``: "de-DE" writes
German with "1.234,56 €"); before login, the browser's Accept-Language picks among the
offered locales (apps.users.locales). The translation (``django.utils.translation``) and the
formats (``apps.core.formats``) are switched together and switched back after the response."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.utils import translation
from django.utils.translation import gettext_lazy

from apps.core import formats

from .locales import locale_from_accept_language


def request_locale(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "locale", ""):
        return user.locale
    return locale_from_accept_language(request.headers.get("Accept-Language"))


class UserLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        locale = request_locale(request)
        language = formats.LOCALES.get(locale, formats.LOCALES[formats.DEFAULT]).language
        token = formats.activate(locale)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request.LOCALE = locale
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
            formats.deactivate(token)
        response.headers.setdefault("Content-Language", language)
        # The page depends on the user's choice or, before login, on the browser's header.
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Accept-Language"]))
        return response


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's (every view needs a login unless marked ``login_not_required``), saying on
    the login page why a customer is there when their session has ended: the idle logout
    (the session ends SESSION_COOKIE_AGE after the last request, its cookie only when the
    browser closes). Logging out deletes the cookie, so that never counts."""

    def handle_no_permission(self, request, view_func):
        if session_ended(request):
            messages.info(request, IDLE_LOGOUT_MESSAGE)
        return super().handle_no_permission(request, view_func)


IDLE_LOGOUT_MESSAGE = gettext_lazy("For your safety, you were logged out after a while without activity. "
                                   "Log in again to carry on where you were.")


def session_ended(request) -> bool:
    """The browser sent the cookie of a session that is no more (loading it lost its key)."""
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):  # none, or one deleted (an empty value)
        return False
    request.session.keys()  # loaded already by the user's check; a session that has ended has no key
    return request.session.session_key is None
