"""What bench/server.py serves with gunicorn: bankdash/settings/production.py as it is, plus
the hello-world baselines of bench/urls.py (served by the same workers, in the same run)."""

from bankdash.settings.production import *  # noqa: F403
from bankdash.settings.production import env

ROOT_URLCONF = "bench.urls"

# `bench/server.py --save-session-every-request`: the sessions as before issue 17, to measure the difference.
if env.bool("BENCH_SAVE_SESSION_EVERY_REQUEST", default=False):
    SESSION_SAVE_EVERY_REQUEST = True
