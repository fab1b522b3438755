"""Local development and `make demo`: SQLite under var/, in-process tasks unless REDIS_URL is set."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
