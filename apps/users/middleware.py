"""The customer's language and number/date formats for the request (issue 16, point 8).

A logged-in customer's locale is the one chosen in settings (``User.locale``: "de-DE" writes
German with "1.234,56 €"); before login, the browser's Accept-Language picks among the
offered locales (apps.users.locales). The translation (``django.utils.translation``) and the
formats (``apps.core.formats``) are switched together and switched back after the response."""

from __future__ import annotations

from django.utils import translation

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
