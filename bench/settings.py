"""Benchmark settings: production-like (DEBUG off, persistent connections), but on
a database of its own (``bankdash_bench`` unless BENCH_DATABASE_NAME says
otherwise) that bench/run.py drops and recreates, so dev data is never touched."""

from bankdash.settings.base import *  # noqa: F403
from bankdash.settings.base import BASE_DIR, DATABASES, env

BENCH_DATABASE_NAME = env("BENCH_DATABASE_NAME", default="bankdash_bench")
if BENCH_DATABASE_NAME in ("bankdash", "postgres", "template0", "template1"):
    raise RuntimeError("The benchmark drops its database: give it one of its own.")

# The same connection options as the app's (base.py), on the benchmark's own database.
_OPTIONS = DATABASES["default"]["OPTIONS"]
if env("DATABASE_URL", default=""):
    DATABASES = {"default": {**env.db("DATABASE_URL"), "NAME": BENCH_DATABASE_NAME}}
else:
    from bankdash.localdb import local_database

    DATABASES = {"default": local_database(BASE_DIR, dbname=BENCH_DATABASE_NAME)}
DATABASES["default"]["OPTIONS"] = {**_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A deployed app keeps its connections (CONN_MAX_AGE); reconnecting on every request
# would measure connection set-up rather than the views.
DATABASES["default"]["CONN_MAX_AGE"] = None

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test-client tools (bench/run.py, bench/profile_pages.py) profile what a page costs to
# make, so by default they make it every time; bench/server.py serves production's settings,
# where kept pages answer (apps.core.pagecache; its --no-page-cache switches them off).
PAGE_CACHE = env.bool("PAGE_CACHE", default=False)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
