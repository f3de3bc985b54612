from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default=None) -> str:
    """The ``next`` parameter if it stays on this site, else ``default`` (the dashboard)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)
