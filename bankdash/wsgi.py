"""The WSGI entry point gunicorn serves: production settings unless DJANGO_SETTINGS_MODULE
names others (manage.py, used for runserver and commands, defaults to local settings).

Only processes that serve requests import this module, so only their database connections
get the request timeouts (statement_timeout, lock_timeout: apps.core.db)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankdash.settings.production")
application = get_wsgi_application()

from apps.core.db import use_request_timeouts  # noqa: E402  (after the app registry is ready)

use_request_timeouts()
