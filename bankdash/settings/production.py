"""Production settings: everything from the environment, SECRET_KEY required."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: a missing key is a start-up error
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
