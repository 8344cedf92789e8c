"""Production: every secret from the environment; refuses to start with demo defaults."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, PV_AUDIT_KEY, PV_VAULT_KEY, SECRET_KEY, env

DEBUG = False

_problems = []
if not SECRET_KEY or SECRET_KEY.startswith("test-") or len(SECRET_KEY) < 32:
    _problems.append("PV_SECRET_KEY must be set to a random value of at least 32 characters")
if not PV_VAULT_KEY:
    _problems.append("PV_VAULT_KEY must be set (a Fernet key: Fernet.generate_key())")
if len(PV_AUDIT_KEY) < 32:
    _problems.append("PV_AUDIT_KEY must be set to a random value of at least 32 characters")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _problems.append("DATABASE_URL must point at PostgreSQL in production")
if not env("CELERY_BROKER_URL"):
    _problems.append("CELERY_BROKER_URL must point at Redis or RabbitMQ in production")
if _problems:
    raise ImproperlyConfigured("refusing to start: " + "; ".join(_problems))

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
