"""The ASGI entry point: production settings unless DJANGO_SETTINGS_MODULE names others,
and the request timeouts on every database connection (see wsgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankdash.settings.production")
application = get_asgi_application()

from apps.core.db import use_request_timeouts  # noqa: E402  (after the app registry is ready)

use_request_timeouts()
