"""Settings shared by every environment; each value that differs comes from the environment.

See the configuration table in README.md. `local` (the embedded demo) and `test` fill in safe
defaults; `production` refuses to start with them.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PV_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str, *, sqlite_path: Path) -> dict:
    """`postgres://user:pass@host:port/name` -> Django DATABASES entry; empty -> SQLite file."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            # IMMEDIATE: a write transaction takes the lock when it begins, so concurrent writers
            # wait (up to the timeout) instead of failing with "database is locked".
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        # Outbox/faults: a database that does not answer fails a connection in seconds (a 503,
        # a task retry), instead of holding a request or a worker for minutes.
        options.setdefault("connect_timeout", env("PV_DB_CONNECT_TIMEOUT", "5"))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": int(os.environ.get("PV_DB_CONN_MAX_AGE", "60")),
            # Outbox/faults: a kept connection the server has cut is checked and replaced at the
            # start of the next request instead of failing it (docs/operations.md).
            "CONN_HEALTH_CHECKS": env_bool("PV_DB_CONN_HEALTH_CHECKS", True),
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
    raise ValueError(
        f"DATABASE_URL: unsupported scheme {parsed.scheme!r} (use postgres:// or sqlite://)"
    )


SECRET_KEY = env("PV_SECRET_KEY", "")
DEBUG = env_bool("PV_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in env("PV_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pv",
    "intake",
    "coding",
    "signals",
    "submissions",
    "followup",
    # What uses every app stands on top of them (STYLE.md, "Layers"): the pages and the demo.
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outbox/faults: a database connection error is retried once for reads, else a JSON 503.
    "pv.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After AuthenticationMiddleware: needs request.user; turns login redirects of htmx and
    # form posts into ones that come back to the page (session expiry).
    "pv.core.sessions.LoginRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "pv.urls"
WSGI_APPLICATION = "pv.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("DATABASE_URL"), sqlite_path=VAR_DIR / "pv.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "pv.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# 1,000 items a batch of ~100,000 characters each is legitimately large.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "pv.core.schema.PvAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "pv.core.api.DefaultPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "pv.core.api.pv_exception_handler",
    # JSON with a nesting and number-size check; form parsers for the browsable forms.
    "DEFAULT_PARSER_CLASSES": [
        "pv.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"followup_create": env("PV_FOLLOWUP_RATE", "30/hour")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "pv API",
    "DESCRIPTION": "Pharmacovigilance for online patient communities.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema describes endpoints, never data: readable without a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI assets ship in drf-spectacular-sidecar: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Members and cases share one sex code list (M / F / U).
    "ENUM_NAME_OVERRIDES": {"SexEnum": "pv.models.members.Member.Sex"},
}

# Celery: with no broker configured, tasks run eagerly in-process (embedded demo, unit tests).
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "submissions-sweep-stuck": {
        "task": "submissions.tasks.submission_sweep_task",
        "schedule": 300.0,
    },
    "signals-nightly": {
        "task": "signals.tasks.signals_nightly_task",
        "schedule": 24 * 60 * 60.0,  # nightly (every 24 h from beat start)
    },
    # Follow-up reminders, expiry and sweeps (followup.schedule.beat_schedule).
    "followup-reminders-and-expiry": {
        "task": "followup.tasks.followup_beat_task",
        "schedule": 3600.0,
    },
    # A signed copy of the audit chain head, outside the database (pv.audit_anchor).
    "audit-anchor": {
        "task": "pv.tasks.audit_anchor_task",
        "schedule": float(env("PV_AUDIT_ANCHOR_INTERVAL", "300")),
    },
}

# Restricted Data vault key (Fernet). Production requires it from the environment.
PV_VAULT_KEY = env("PV_VAULT_KEY", "")
# Region whose national phone formats (no +country code) registered phones are read in, for
# scrubbing them wherever they are written (ISO 3166 alpha-2, as libphonenumber takes it).
PV_PHONE_REGION = env("PV_PHONE_REGION", "GB")
# Audit chain HMAC key (any random string of 32+ characters), kept outside the database like the
# vault key: whoever can write the database but not read this cannot re-hash an edited chain.
PV_AUDIT_KEY = env("PV_AUDIT_KEY", "")
# Append-only file of signed chain heads; put it where the database's writers cannot rewrite it.
PV_AUDIT_ANCHOR_PATH = env("PV_AUDIT_ANCHOR_PATH", str(VAR_DIR / "audit-anchors.jsonl"))

EMAIL_BACKEND = env("PV_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("PV_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("PV_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("PV_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("PV_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PV_EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("PV_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("PV_DEFAULT_FROM_EMAIL", "pv-noreply@localhost")

PV_SITE_URL = env("PV_SITE_URL", "http://127.0.0.1:8000")

# Licensed dictionaries loaded with `pv dictionaries load` are parsed once and kept here.
PV_DICTIONARY_DIR = env("PV_DICTIONARY_DIR", str(VAR_DIR / "dictionaries"))

# Follow-up relay: reminder days after the first message, attempts before giving up, expiry.
PV_FOLLOWUP_REMINDER_DAYS = [
    int(d) for d in env("PV_FOLLOWUP_REMINDER_DAYS", "7,14").split(",") if d.strip()
]
PV_FOLLOWUP_MAX_ATTEMPTS = int(env("PV_FOLLOWUP_MAX_ATTEMPTS", "3"))
PV_FOLLOWUP_EXPIRE_DAYS = int(env("PV_FOLLOWUP_EXPIRE_DAYS", "28"))

# E2B sender identity (N.1.3 / C.3) and the code system of pv's open event terminology.
PV_SENDER_ID = env("PV_SENDER_ID", "PVCOMMUNITY")
PV_SENDER_ORGANISATION = env("PV_SENDER_ORGANISATION", "pv community pharmacovigilance")
PV_SENDER_COUNTRY = env("PV_SENDER_COUNTRY", "US")
# C.3.3 / C.3.4: the sender's safety contact (platform staff, never a member). FDA requires them.
PV_SENDER_CONTACT = {
    "department": env("PV_SENDER_DEPARTMENT", "Pharmacovigilance"),
    "title": env("PV_SENDER_TITLE", "Safety Officer"),
    "given_name": env("PV_SENDER_GIVEN_NAME", "Drug"),
    "family_name": env("PV_SENDER_FAMILY_NAME", "Safety"),
    "street": env("PV_SENDER_STREET", "1 Platform Way"),
    "city": env("PV_SENDER_CITY", "Springfield"),
    "state": env("PV_SENDER_STATE", "IL"),
    "postcode": env("PV_SENDER_POSTCODE", "00000"),
    "telephone": env("PV_SENDER_TELEPHONE", "+1 000 000 0000"),
    "fax": env("PV_SENDER_FAX", "+1 000 000 0001"),
    "email": env("PV_SENDER_EMAIL", "safety@pv.invalid"),
}
# Not MedDRA's OID on purpose: open-default codes must never pass for MedDRA. Override with an
# OID from your own arc in production.
PV_OPEN_TERMINOLOGY_OID = env(
    "PV_OPEN_TERMINOLOGY_OID", "2.25.329800735698586629295641978511506172918"
)
PV_SUBMISSION_TIMEOUT = float(env("PV_SUBMISSION_TIMEOUT", "30"))

# --- Operations (docs/operations.md "Health, metrics and logs", "Abuse detection") -----------
from pv.logs import logging_config  # noqa: E402

INSTALLED_APPS += ["django_prometheus", "ops"]
# Outermost: Prometheus timing and the request id / request log line; innermost: read counting
# (it needs the view's authenticated user and response).
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ops.middleware.RequestLogMiddleware",
    *MIDDLEWARE,
    "ops.middleware.ReadVolumeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Structured JSON logs (structlog); PV_LOG_FORMAT=console for readable lines on a terminal.
LOGGING = logging_config(
    level=env("PV_LOG_LEVEL", "INFO"), json=env("PV_LOG_FORMAT", "json") != "console"
)
# Celery workers keep this logging instead of installing their own plain-text root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The cache holds throttle and read-volume counters, so every process of an installation must
# share it: Redis when PV_CACHE_URL is set (production), else a database table (`pv migrate`
# creates it).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("PV_CACHE_URL")}
        if env("PV_CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pv_cache"}
    )
}

# --- Signals: MGPS fit quality gate and what sponsors see (docs/signals_service.md) ---
# A period's fitted prior is used only with enough distinct (N, E) points, parameters within
# autoHyper's bounds and two optimiser starts agreeing; otherwise "fallback" scores it with
# DuMouchel's documented prior (and says so in the run), "refuse" fails the run.
PV_SIGNALS_MIN_FIT_POINTS = int(env("PV_SIGNALS_MIN_FIT_POINTS", "30"))
PV_SIGNALS_FIT_POLICY = env("PV_SIGNALS_FIT_POLICY", "fallback")
# Runs started by these triggers are published when they succeed (routine runs); runs started on
# demand stay private until staff publish them.
PV_SIGNALS_AUTOPUBLISH_TRIGGERS = ("nightly", "demo")
# Drug-drug interaction screening (Omega): the most co-reported drug pairs screened per run.
PV_SIGNALS_INTERACTION_MAX_PAIRS = int(env("PV_SIGNALS_INTERACTION_MAX_PAIRS", "5000"))

# --- Outbox, sweepers, retries and broker timeouts (docs/operations.md) ---------------------
# Work that needs a task is committed as state with the data; publishing after commit is the
# fast path, and these sweepers publish again whatever is still unfinished after the grace
# period (also once when each worker starts). Every task is idempotent.
PV_OUTBOX_GRACE_SECONDS = float(env("PV_OUTBOX_GRACE_SECONDS", "300"))
PV_OUTBOX_SWEEP_INTERVAL = float(env("PV_OUTBOX_SWEEP_INTERVAL", "60"))
PV_OUTBOX_SWEEPERS = [
    "intake.tasks.intake_sweep_task",
    "submissions.tasks.submission_sweep_task",
    "followup.tasks.followup_beat_task",
    "signals.tasks.signal_run_sweep_task",
]
CELERY_BEAT_SCHEDULE["intake-sweep-unscreened"] = {
    "task": "intake.tasks.intake_sweep_task",
    "schedule": PV_OUTBOX_SWEEP_INTERVAL,
}
CELERY_BEAT_SCHEDULE["signals-sweep-queued-runs"] = {
    "task": "signals.tasks.signal_run_sweep_task",
    "schedule": PV_OUTBOX_SWEEP_INTERVAL,
}
CELERY_BEAT_SCHEDULE["submissions-sweep-stuck"]["schedule"] = PV_OUTBOX_SWEEP_INTERVAL
CELERY_BEAT_SCHEDULE["followup-reminders-and-expiry"]["schedule"] = PV_OUTBOX_SWEEP_INTERVAL
# Transient errors (database away, gateway 5xx) retry after base * 2**n seconds, capped: with
# the defaults 30 s, 1, 2, 4, 8 min, then every 10 min, 12 times (~85 min) before the task
# leaves the work to the sweepers.
PV_TASK_RETRY_BASE_SECONDS = float(env("PV_TASK_RETRY_BASE_SECONDS", "30"))
PV_TASK_RETRY_MAX_SECONDS = float(env("PV_TASK_RETRY_MAX_SECONDS", "600"))
PV_TASK_MAX_RETRIES = int(env("PV_TASK_MAX_RETRIES", "12"))
# Redis redelivers an unacknowledged message after the visibility timeout. It must outlast the
# longest task plus the longest retry countdown a worker holds (10 min), or a healthy message
# is delivered twice; a worker killed mid-task is covered sooner by the sweepers.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("PV_BROKER_VISIBILITY_TIMEOUT", "1800")),
    "socket_connect_timeout": 3,
}
# A request publishing to a dead broker gives up quickly (and logs); it never fails the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_DEFAULT_QUEUE = env("PV_CELERY_QUEUE", "celery")
# Database connection errors in a request: Retry-After seconds on the 503.
PV_DB_RETRY_AFTER_SECONDS = int(env("PV_DB_RETRY_AFTER_SECONDS", "5"))
# /metrics: with a token, scrapers send "Authorization: Bearer <token>"; without, loopback only.
PV_METRICS_TOKEN = env("PV_METRICS_TOKEN", "")

# Read-volume limits (scraper detection): WINDOW_SECONDS:MAX_READS, comma-separated. A read is
# one post, report, member profile, case or triage item served (a list page counts its rows).
PV_READ_LIMITS = env("PV_READ_LIMITS", "600:1500,86400:15000")
PV_READ_LIMIT_CACHE = "default"
PV_READ_LIMIT_EXEMPT_ROLES = [
    r.strip() for r in env("PV_READ_LIMIT_EXEMPT_ROLES", "").split(",") if r.strip()
]

# Intake rate limits per account: single posts/reports, and batches (up to 1,000 items each). The
# batch budget must not cap the platform's own importer below what intake sustains (over 2,000
# posts/s through gunicorn + PostgreSQL): 600 batches of 500 a minute is 5,000 posts/s; a
# script posting one item per request meets the single limit long before.
INTAKE_RATE_DEFAULTS = {"intake_single": "300/minute", "intake_batch": "600/minute"}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(
    {
        "intake_single": env("PV_INTAKE_RATE", INTAKE_RATE_DEFAULTS["intake_single"]),
        "intake_batch": env("PV_INTAKE_BATCH_RATE", INTAKE_RATE_DEFAULTS["intake_batch"]),
    }
)
