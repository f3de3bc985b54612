"""Production settings: everything from the environment, SECRET_KEY required.

`python manage.py check --deploy` passes with no warning (tested in
apps/users/tests/test_settings.py). Behind a proxy that terminates TLS, set
BEHIND_PROXY=true (X-Forwarded-Proto/-For are then trusted) and, if the proxy
already redirects to https, SECURE_SSL_REDIRECT=false.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# Production never starts the private development PostgreSQL (base.py does when
# DATABASE_URL is empty): a missing URL is a start-up error, like a missing key.
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
if not environ.Env()("DATABASE_URL", default=""):
    raise ImproperlyConfigured("Set the DATABASE_URL environment variable (production needs its database).")

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: a missing key is a start-up error
# Keep connections for a minute (each gunicorn thread has its own): +25-50% pages per second
# against connecting per request (bench/RESULTS.md). CONN_HEALTH_CHECKS (base.py) makes
# the first request after a database restart reconnect instead of failing.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# HTTPS everywhere.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
if BEHIND_PROXY:  # noqa: F405
    # Only safe when the proxy sets (and overwrites) this header on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: only over HTTPS, out of reach of JavaScript.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# A session ends after SESSION_IDLE_MINUTES without a request and when the browser closes.
# A request renews it, but writes the session (row, cache, Set-Cookie) only when something
# in it changed or its last save is SESSION_RENEW_INTERVAL seconds old (apps.core.middleware):
# saving on every request halved the logged-in hello (bench/RESULTS.md, issue 17). So the
# idle logout comes between 14 and 15 minutes after the last request (with the default 15),
# never later.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=15) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_INTERVAL = 60
# A signed-in page warns this long before the earliest idle end (apps.users.views.session).
SESSION_IDLE_WARNING_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
