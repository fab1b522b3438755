"""Settings shared by every environment. Values come from the environment (12-factor)."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "django_htmx",
    "health_check",
    "vendorrisk",
    "vendors",
    "incidents",
    "assessments",
    "webhooks",
    "register",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vendorrisk.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vendorrisk.urls"
WSGI_APPLICATION = "vendorrisk.wsgi.application"
AUTH_USER_MODEL = "vendorrisk.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
            # `|intcomma` in every template: counts and amounts shown with thousands separators (never on
            # ids, years, inputs or CSV cells, which is why USE_THOUSAND_SEPARATOR stays off).
            "builtins": ["django.contrib.humanize.templatetags.humanize"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'vendorrisk.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing with "database is locked": WAL lets
    # readers run beside the writer, IMMEDIATE takes the write lock when a transaction starts (so no
    # reader-turned-writer deadlock), and a writer waits up to `timeout` seconds for it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT_SECONDS", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies: JSON bodies are small; CSV imports and evidence uploads stream to files.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Strict CSP: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["vendorrisk.core.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "vendorrisk.core.filters.StrictDjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "vendorrisk.core.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "vendorrisk.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "vendorrisk.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "vendorrisk.core.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bodies are JSON, depth-checked before parsing; uploads declare multipart on their own action.
    "DEFAULT_PARSER_CLASSES": ["vendorrisk.core.jsonguard.DepthLimitedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="60/min"),
        "user": env("THROTTLE_USER", default="1200/min"),
        "token": env("THROTTLE_TOKEN", default="10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=10),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Vendor risk register API",
    "DESCRIPTION": "Track the data vendors labs depend on, their breaches, and how concentrated that dependence is.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    # One name per choice set used by several fields (otherwise spectacular names them by field and warns).
    "ENUM_NAME_OVERRIDES": {
        "DataCategoryEnum": "vendors.choices.DataCategory",
        "RegimeEnum": "vendors.choices.Regime",
        "SeverityEnum": "vendors.choices.Severity",
        "ResponseEnum": "assessments.choices.Response",
        "RiskBandEnum": "assessments.scoring.SCORE_BANDS",
        "ConcentrationBandEnum": "assessments.scoring.HHI_BANDS",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Failed-login lockout for the browser and the API.
# Two limits (vendorrisk.auth.LockoutHandler): failures of one username from one IP, and failures of any
# usernames from one IP, so trying many usernames is locked out too. Keep this order of the parameters.
AXES_HANDLER = "vendorrisk.auth.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vendorrisk.auth.lockout_response"
AXES_VERBOSE = False

AUDITLOG_INCLUDE_ALL_MODELS = False

# Celery: in-process when no broker is configured (demo and default tests).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 1,
    "socket_connect_timeout": 1,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "UTC"

# SWEEP_SECONDS (read in vendorrisk/celery.py): how often beat sweeps marks whose drain request was lost.
VENDORRISK_DRAIN_DELAY_SECONDS = 0.0
# A backlog of score marks reaching at least this many labs (and a quarter of all labs) is drained by the
# vectorised full rebuild instead of pair by pair (a large import); 0 never.
VENDORRISK_REBUILD_BACKLOG_LABS = env.int("VENDORRISK_REBUILD_BACKLOG_LABS", default=500)

# Scoring constants (DESIGN.md section 2); a team may override any entry.
VENDORRISK_SCORING: dict = {}
# Assessment validity in months by the vendor's highest exposing engagement criticality.
VENDORRISK_ASSESSMENT_VALIDITY_MONTHS = {"critical": 6, "high": 12, "medium": 24, "low": 36, "none": 12}
VENDORRISK_EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="vendorrisk@localhost")
VENDORRISK_ALERT_EMAILS = env.list("ALERT_EMAILS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# Webhooks and the event feed (DESIGN.md section 8). Private targets only for the demo (`make demo`).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
EVENT_RETENTION_DAYS = env.int("EVENT_RETENTION_DAYS", default=365)

# The critical-provider screen weighs labs by total assets in EUR (register.selectors.critical_providers).
# Units of each currency per 1 EUR: the ECB euro foreign exchange reference rates of DORA_EUR_RATES_DATE.
# `DORA_EUR_RATES="USD=1.0412,GBP=0.8301"` overrides or adds rates (and DORA_EUR_RATES_DATE names their day);
# a lab whose currency has no rate is left out of the asset-weighted share and counted as such.
# Checked against a published copy of that day's table: USD only. The others were written down without the
# table at hand (no internet here); check them against the ECB's 31 December 2024 table, or override them.
DORA_EUR_RATES_DATE = env.str("DORA_EUR_RATES_DATE", default="2024-12-31")
DORA_EUR_RATES_DEFAULT = {
    "EUR": "1",
    "USD": "1.0389",
    "GBP": "0.82918",
    "JPY": "163.06",
    "CHF": "0.9412",
    "BGN": "1.9558",
    "DKK": "7.4578",
    "SEK": "11.4590",
    "NOK": "11.7950",
    "PLN": "4.2750",
    "CZK": "25.185",
    "CAD": "1.4948",
    "AUD": "1.6772",
    "CNY": "7.5833",
    "SGD": "1.4164",
    "HKD": "8.0686",
}


def _eur_rates(raw: str) -> dict[str, str]:
    from decimal import Decimal, InvalidOperation

    from django.core.exceptions import ImproperlyConfigured

    rates = dict(DORA_EUR_RATES_DEFAULT)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        code, _, value = part.partition("=")
        code = code.strip().upper()
        try:
            ok = len(code) == 3 and code.isalpha() and Decimal(value.strip()) > 0
        except InvalidOperation:
            ok = False
        if not ok:
            raise ImproperlyConfigured(f"DORA_EUR_RATES: {part!r} is not CUR=<positive rate>.")
        rates[code] = value.strip()
    return rates


DORA_EUR_RATES = _eur_rates(env.str("DORA_EUR_RATES", default=""))
