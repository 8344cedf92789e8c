"""Tests: whatever DATABASE_URL / CELERY_BROKER_URL say (CI: PostgreSQL + Redis), else SQLite."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
# A fixed Fernet key for tests only.
PV_VAULT_KEY = "MTRvlR5-7sw7kXNObZGWnSqyWyvm6HlbENzGqbBUhME="
# A fixed audit chain key for tests only; tests point PV_AUDIT_ANCHOR_PATH at a temporary file.
PV_AUDIT_KEY = "test-audit-key-not-for-production-0123456789"  # noqa: S105
PV_AUDIT_ANCHOR_PATH = str(
    Path(tempfile.gettempdir()) / f"pv-test-audit-anchors-{os.getpid()}.jsonl"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests always run tasks eagerly; the integration tests start a real worker on the broker.
PV_TEST_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

# A real worker process started by the integration tests uses the real broker.
if env("PV_CELERY_WORKER") == "1":
    CELERY_BROKER_URL = PV_TEST_BROKER_URL
    CELERY_TASK_ALWAYS_EAGER = False

# Operations: counters in this process's memory (fast, no extra queries in query-count tests),
# with the database cache as a second alias so `pv migrate` creates its table for the tests that
# exercise it. Limits high enough that no ordinary test trips them; the limit tests set their own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pv_cache"},
}
PV_READ_LIMITS = "60:1000000"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(  # noqa: F405
    {"intake_single": "100000/minute", "intake_batch": "100000/minute"}
)
