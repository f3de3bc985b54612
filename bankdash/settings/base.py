"""Settings shared by every environment, all read through django-environ."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with BankDash's admin site: staff need a verified second factor.
    "apps.users.admin_config.BankDashAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The background worker's queue, in PostgreSQL (apps.notifications.tasks; `manage.py procrastinate worker`).
    "procrastinate.contrib.django",
    "apps.core",
    "apps.users",
    "apps.accounts",
    "apps.transactions",
    "apps.alerts",
    "apps.budgets",
    "apps.bills",
    "apps.rewards",
    "apps.rules",
    "apps.imports",
    "apps.dashboard",
    "apps.insights",
    "apps.notifications",
    # Export all my data, close my profile: reads every app above, nothing imports it.
    "apps.profile",
    "apps.audit",
    "apps.demo",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (apps.core.logging).
    "apps.core.middleware.RequestIdMiddleware",
    # /health/ for load balancers: before the HTTPS redirect, the host check and the session.
    "apps.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # High up, so every answer carries the policy, even one that a middleware below failed
    # on (a host we do not serve, the database down while loading the session).
    "csp.middleware.CSPMiddleware",
    # Below WhiteNoise: static files keep their cache lifetime; everything private gets no-store.
    "apps.core.middleware.NoStoreMiddleware",
    # The database down, busy or read-only: 503 with Retry-After (JSON on JSON paths).
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    # Django's, tolerating a read-only database when only the expiry would be refreshed.
    "apps.core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The customer's language and number/date formats (after the user is known).
    "apps.users.middleware.UserLocaleMiddleware",
    "apps.audit.middleware.AuditContextMiddleware",
    # Django's LoginRequiredMiddleware, telling a customer logged out while idle why.
    "apps.users.middleware.LoginRequiredMiddleware",
    # An action's address opened as a page: the branded 405, in the customer's language.
    "apps.core.middleware.ActionPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a flagged login request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bankdash.urls"
WSGI_APPLICATION = "bankdash.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.alerts.context_processors.unread_alerts",
                "apps.users.context_processors.session_timeout",
            ],
            # Dates as the customer's locale writes them, on every template (apps.core.formats).
            "builtins": ["apps.core.templatetags.dates"],
        },
    },
    # The hot loops of long pages (a transactions list's rows), compiled by Jinja2 from the
    # apps' jinja2/ folders (apps.core.jinja; issue 17). Pages stay Django templates above.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "apps.core.jinja.environment"},
    },
]

# PostgreSQL is the one engine. DATABASE_URL wins; with none set, start a
# private PostgreSQL under var/ (see bankdash/localdb.py).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from bankdash.localdb import local_database

    DATABASES = {"default": local_database(BASE_DIR)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # money-moving services own their transactions
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection is checked before a request reuses it: after a database restart the
# next request reconnects instead of failing (apps.core answers 503 while it is down).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A server that does not answer at all (not even "refused") fails a request in seconds.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# Parameters sent apart from the statement, so a statement run five times on a connection is
# prepared on the server and planned once, except those reading the ledger (bankdash/dbcursor.py;
# issue 17, bench/RESULTS.md, tenth step). Django's default binds on the client and prepares
# nothing, which suits a pooler in transaction mode that cannot keep prepared statements
# (PgBouncer before 1.21): DATABASE_PREPARED_STATEMENTS=false.
if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    from bankdash.dbcursor import PreparingCursor

    DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5,
                                           cursor_factory=PreparingCursor)
# Bounded waits for web requests only: bankdash/wsgi.py and asgi.py set these on each
# connection they open (apps.core.db), so migrations and operators' commands are not cut
# off. A request that hits one answers 503 "busy, try again"; its atomic write rolls back.
# Measured in bench/RESULTS.md: the slowest page query takes milliseconds.
DATABASE_REQUEST_TIMEOUTS = {
    "lock_timeout": env("DATABASE_LOCK_TIMEOUT", default="3s"),
    "statement_timeout": env("DATABASE_STATEMENT_TIMEOUT", default="10s"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or IP before any password is checked
    # (django-axes' backend, marking the refusal so the audit does not call it a wrong password).
    "apps.users.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Behind a reverse proxy (BEHIND_PROXY=true) the client's address is the right-most
# X-Forwarded-For entry added by the TRUSTED_PROXY_COUNT proxies; otherwise REMOTE_ADDR.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Brute force (django-axes, database handler with a limit per parameter: apps.users.lockout).
# A failed login is a wrong password or a wrong second-factor code, counted against the
# account that gave it. 5 lock the account (from any IP); 50 lock the IP (on any accounts:
# an office or a mobile carrier puts many people behind one address). A lock lasts until
# 15 minutes have passed since the last counted failure.
AXES_HANDLER = "apps.users.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5  # per account
LOCKOUT_IP_FAILURE_LIMIT = 50  # per IP address
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's email field is named "username"
AXES_USERNAME_CALLABLE = "apps.users.security.axes_username"  # the email's normal form, as the login
AXES_CLIENT_IP_CALLABLE = "apps.users.security.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.users.lockout.lockout_response"  # says whether the account or the IP
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# A success does not wipe the counters: one good login from an IP must not reset the
# failures that IP piled up against other accounts.
AXES_RESET_ON_SUCCESS = False
# Attempts during a lockout are refused without extending it: the page can promise a time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Rate limits (apps.users.throttle: counters shared by every worker, in Redis when REDIS_URL
# is set, else in PostgreSQL). Password reset requests per client IP and per email address;
# registration posts per client IP (and emails to one address); codes tried per user to set
# up or turn off two-factor authentication.
PASSWORD_RESET_RATE_LIMIT = (5, timedelta(minutes=15))
REGISTRATION_RATE_LIMIT = (10, timedelta(hours=1))
TWO_FACTOR_RATE_LIMIT = (10, timedelta(minutes=15))

# Two-factor authentication (django-otp): optional for customers, required for staff in the admin.
STAFF_REQUIRE_TWO_FACTOR = env.bool("STAFF_REQUIRE_TWO_FACTOR", default=True)
OTP_TOTP_ISSUER = "BankDash"
# django-otp's own throttle off: it refused a right code typed a second after a wrong one.
# Wrong codes are limited by the lockout at login and by TWO_FACTOR_RATE_LIMIT elsewhere.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages BankDash is written in; a customer's locale (apps.users.locales) picks one,
# and apps.core.formats the number and date formats that go with it.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# ISO 4217 code used for new users and accounts, and for dashboard totals.
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", default="USD")

# What the ledger's pages show from the apps above it, which it never imports (apps/transactions/extensions.py).
LEDGER_EXTENSIONS = {
    "expense_notes": ["apps.dashboard.previews.expense_notes"],
    "expense_preview": "dashboard:expense_preview",
    "account_sections": ["apps.bills.views_forecast.account_forecast_section"],
    # The user's categorisation rules on the income/expense form ("Let my rules choose").
    "entry_rules_enabled": "apps.rules.selectors.applies_on_manual_entry_for",
    "entry_rules": "apps.rules.engine.entry_rules",
}

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages from the npm registry (package.json), served by whitenoise.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/chartjs-sankey", BASE_DIR / "node_modules" / "chartjs-chart-sankey" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Content-Security-Policy (django-csp 4) in every environment, so a violation shows up in
# development and tests, not first in production: scripts and styles only from our own
# static files, no inline script or style attribute, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: SVGs in its CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}  # messages.ERROR -> Bootstrap's alert-danger

# Redis is optional: with REDIS_URL set it backs the cache, the sessions and the rate-limit
# counters (which otherwise live in PostgreSQL, never in one process's memory).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "apps.core.rediscache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered template fragments that hold no one's data, only what their key names (the
# navigation: language, section, staff or not, the name shown, the unread count): each
# process keeps its own copy, no network round trip (issue 17: base.html cost 4 ms a page).
CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                "LOCATION": "template-fragments", "OPTIONS": {"MAX_ENTRIES": 5000}}
# Whole pages of a customer's own data, kept under their data version (apps.core.pagecache):
# in Redis when REDIS_URL is set (one copy for every worker), else in each process's memory.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
CACHES["pages"] = (
    {"BACKEND": "apps.core.rediscache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"}
    if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages", "OPTIONS": {"MAX_ENTRIES": 1000}}
)

# Email: EMAIL_URL (smtp://user:password@host:587, submission://... for STARTTLS, smtp+ssl://... for
# TLS) sends through that server; without it, messages are written to the console (development).
# EMAIL_BACKEND names another backend (tests use locmem).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, user, password, TLS
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="BankDash <no-reply@bankdash.local>")
# Where the links in emails point (the unsubscribe link, the alerts page).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Web push (apps.notifications.push): the VAPID key pair, base64url (the public key: the 65-byte
# uncompressed P-256 point; the private key: its 32-byte scalar), shared by every web server and
# worker. Without them, DEBUG makes a pair once and keeps it in VAPID_DEV_KEY_FILE (var/ is not
# committed); production without them has no push (the settings page says so).
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env("VAPID_SUBJECT", default="mailto:no-reply@bankdash.local")  # the push services' contact
VAPID_DEV_KEY_FILE = BASE_DIR / "var" / "vapid.json"
# Subscriptions whose endpoint is plain http on this machine (a test's fake push service); DEBUG allows them too.
PUSH_ALLOW_LOCAL_HTTP = env.bool("PUSH_ALLOW_LOCAL_HTTP", default=False)

# Outgoing webhooks (apps.notifications.channels.webhook): turned off after this many failed
# attempts in a row (the customer is alerted). Their URLs must be https to a public address;
# WEBHOOK_ALLOW_PRIVATE_NETWORKS lets them reach this machine or a private network, over http
# too (tests' receivers on 127.0.0.1; an operator's own network). DEBUG allows http, not private.
WEBHOOK_MAX_FAILURES = env.int("WEBHOOK_MAX_FAILURES", default=10)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False)

# The worker (procrastinate): jobs live in PostgreSQL, deferred through Django's connection, so a
# job deferred in a transaction commits or rolls back with it. Tasks are found in apps' tasks.py.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

# Paths whose errors (404, 500, 503) are JSON, besides views made with apps.core.api.json_endpoint.
JSON_PATH_PREFIXES = ["/dashboard/overview", "/dashboard/expense-preview", "/forecast", "/health/",
                      # The Insights JSON endpoints (the page /insights/ itself is HTML).
                      "/insights/spending", "/insights/cash-flow", "/insights/top-merchants",
                      "/insights/health-score", "/insights/burn-rate"]
# A form posted without its CSRF token: the branded 403 page (JSON on JSON paths).
CSRF_FAILURE_VIEW = "apps.core.errors.csrf_failure"

# One JSON object per line on stderr (LOG_FORMAT=text for reading in a terminal), each with
# the request's id. BankDash's own loggers ("bankdash.*": one line per request, refused money
# movements, database failures) log from INFO; everything else from WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "apps.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                    "formatter": env("LOG_FORMAT", default="json")},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"bankdash": {"level": env("BANKDASH_LOG_LEVEL", default="INFO")}},
}
