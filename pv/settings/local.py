"""Embedded demo: SQLite under var/, eager tasks, file email backend, generated local keys."""

from __future__ import annotations

import os
import secrets

from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import VAR_DIR, env


def _local_secret(name: str, make) -> str:
    """Read a per-installation secret from var/, creating it (mode 0600) on first use."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
    return path.read_text().strip()


DEBUG = True
SECRET_KEY = env("PV_SECRET_KEY") or _local_secret("secret_key", get_random_secret_key)
PV_VAULT_KEY = env("PV_VAULT_KEY") or _local_secret(
    "vault.key", lambda: Fernet.generate_key().decode()
)
PV_AUDIT_KEY = env("PV_AUDIT_KEY") or _local_secret("audit.key", lambda: secrets.token_urlsafe(48))
EMAIL_BACKEND = env("PV_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")

# Operations: the embedded demo is one process, so its rate-limit and read counters live in
# that process's memory (SQLite would serialise every counter write behind the data writes).
if not env("PV_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
