"""Local development and `make demo`: SQLite under var/, in-process tasks unless REDIS_URL is set.

DEBUG is off by default, so the demo shows the product's own error pages (never Django's debug pages
listing every URL pattern); set DEBUG=true (environment or .env) while developing. Static files are served
by WhiteNoise straight from the apps' and project's static directories (no collectstatic, picked up as they
change), with or without DEBUG, by `manage.py runserver` as by gunicorn.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
