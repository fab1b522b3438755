"""Test settings: fast hashing, no lockout surprises, locmem email. Services only when URLs are given."""

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "100000/min", "token": "10000/min"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}

# Tests run the drain in-process unless a test starts a real worker (tests/pipeline/): the worker
# process gets TEST_CELERY_EAGER=0 and a REDIS_URL; the suite's own process stays eager.
from .base import REDIS_URL, env  # noqa: E402

TEST_REDIS_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool("TEST_CELERY_EAGER", default=True)
CELERY_BROKER_URL = "memory://" if CELERY_TASK_ALWAYS_EAGER else REDIS_URL
# Fault injection for the killed-worker test: hold the drain transaction open this long.
VENDORRISK_DRAIN_DELAY_SECONDS = env.float("VENDORRISK_DRAIN_DELAY_SECONDS", default=0.0)
