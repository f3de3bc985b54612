"""Whole pages kept under what they were made from (issue 17).

``@cached_page`` on a GET view of a signed-in customer's own data: its 200 answer is kept in
``CACHES["pages"]`` (Redis when REDIS_URL is set, shared by every worker; else each
process's memory) under a key of everything the page depends on:

* the user, and their data version and the shared one (``apps.core.versions``: PostgreSQL
  changes them in the transaction of any change of any row the user owns, the user row
  itself included: name, language, time zone, staff flag, groups), and which database and
  since when it runs (a cache that outlives a database never mistakes the new one's numbers
  for the old one's);
* today in the user's time zone (budgets' periods, bills due, "this month");
* the active language, the path and the query string;
* the release (``release()``: the code, templates, translations and static files).

So a kept page can never be older than the data its key names: any change makes a new key.
What must differ per request is put back on every answer: the CSRF token (each hit gets a
freshly masked token of the session's secret) and one-time form tokens (``fresh_token``).
A request with messages waiting (the page would show them once) is never served or kept.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import translation

from . import versions
from .dates import user_today

CACHE = "pages"
TIMEOUT = 24 * 3600  # a key is never reused, so this only returns memory
_CSRF = "\ue000csrf\ue000"
_TOKEN = "\ue000token{}\ue000"
_TOKEN_RE = re.compile("\ue000token(\\d+)\ue000")
# A masked CSRF token as the templates write it: an attribute's whole value, in double quotes
# (``csrf_input``, ``{% csrf_token %}``, ``data-csrf-token="{{ csrf_token }}"``). The quote in
# front lets the search skip ahead to each quote: a fifteenth of the time of trying every
# position of a 60 KB page for a run of 64 letters and digits (0.9 ms a kept page).
_CANDIDATE_RE = re.compile(r'"([A-Za-z0-9]{64})"')
_recording: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("pagecache_tokens", default=None)


def fresh_token() -> uuid.UUID:
    """A new one-time form token (``uuid4``). Rendered into a page that is kept, it is
    replaced by another new one on every answer from the cache."""
    token = uuid.uuid4()
    tokens = _recording.get()
    if tokens is not None:
        tokens.append(str(token))
    return token


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", False) and CACHE in settings.CACHES


@functools.cache
def release() -> str:
    """What the code answering is: RELEASE if set, else a digest of the names, sizes and
    modification times of the code, templates, translations and collected static files
    (read once per process), so two workers of the same deployment share their pages in
    Redis and a deployment never answers with its predecessor's."""
    if os.environ.get("RELEASE"):
        return os.environ["RELEASE"]
    digest = hashlib.sha1(usedforsecurity=False)
    base = Path(settings.BASE_DIR)
    roots = [base / name for name in ("apps", "bankdash", "templates", "locale", "static")]
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root:
        roots.append(Path(static_root) / "staticfiles.json")
    for root in roots:
        if root.is_file():
            stat = root.stat()
            digest.update(f"{root}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "tests"))
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def page_key(request) -> str:
    user = request.user
    mine, shared, database = versions.read(user.pk)
    where = hashlib.sha1(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return ":".join(["page", release(), database, str(user.pk), str(mine), str(shared), user_today(user).isoformat(),
                     translation.get_language() or "", where])


def _has_messages(request) -> bool:
    return len(get_messages(request)) > 0


def _keep(request, response: HttpResponse, tokens: list[str]) -> tuple[str, str] | None:
    """The response as kept: its text with the per-request values replaced by markers."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    text = response.content.decode(response.charset)
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        text = _CANDIDATE_RE.sub(
            lambda m: f'"{_CSRF}"' if _unmask_cipher_token(m.group(1)) == secret else m.group(0), text)
    for number, token in enumerate(dict.fromkeys(tokens)):
        text = text.replace(token, _TOKEN.format(number))
    return response["Content-Type"], text


def _answer(request, kept: tuple[str, str]) -> HttpResponse:
    content_type, text = kept
    if _CSRF in text:
        text = text.replace(_CSRF, get_token(request))
    if "\ue000token" in text:
        fresh: dict[str, str] = {}
        text = _TOKEN_RE.sub(lambda m: fresh.setdefault(m.group(1), str(uuid.uuid4())), text)
    return HttpResponse(text, content_type=content_type)


def cached_page(view):
    """Keep the view's 200 answers for a signed-in user under ``page_key`` (see the module)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (request.method not in ("GET", "HEAD") or not request.user.is_authenticated or not enabled()
                or _has_messages(request)):
            return view(request, *args, **kwargs)
        cache = caches[CACHE]
        key = page_key(request)
        kept = cache.get(key)
        if kept is not None:
            return _answer(request, kept)
        tokens: list[str] = []
        reset = _recording.set(tokens)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _recording.reset(reset)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        kept = _keep(request, response, tokens)
        if kept is not None:
            cache.set(key, kept, TIMEOUT)
        return response

    return wrapper
