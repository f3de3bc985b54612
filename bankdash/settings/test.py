"""Test settings: the real PostgreSQL, a fast password hasher, plain static storage."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Several test runs may share one server (e.g. parallel work): let each pick its database.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_bankdash")}
# PostgreSQL with a flush between transactional tests that deletes rather than truncates (0.27 s
# -> 8-30 ms a test) and empties the job queue too: tests/postgresql/base.py.
DATABASES["default"]["ENGINE"] = "tests.postgresql"
# Serve static files from the finders (no collectstatic before tests; no "No directory" warning).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# django-axes stays on (tests show the lockout). Client.login() calls authenticate()
# without a request, which AxesStandaloneBackend refuses; this subclass lets such calls
# through (web logins always pass the request, so the lockout is unchanged).
AUTHENTICATION_BACKENDS = [
    "apps.users.backends.RequestOptionalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Tests log staff in with force_login(); the tests of the staff two-factor rule turn it on.
STAFF_REQUIRE_TWO_FACTOR = False
# Rate-limit counters (apps.users.throttle) in PostgreSQL even if REDIS_URL is set: shared by
# every process (the live server's threads, several workers) and rolled back with each test.
REDIS_URL = ""
