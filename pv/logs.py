"""Structured logs: every line is one JSON object carrying the request id or the Celery task id.

structlog renders both structlog's own loggers and the standard library's records (Django,
Celery, our modules), so one handler and one format serve everything. Context (request_id,
task_id, task_name) lives in contextvars: the request middleware binds it per request, the
Celery signal handlers in `pv.celery` per task.

Log lines must never carry Restricted Data: the request log records the path and never the
query string or body, and `scrub_event` masks contact patterns (emails, phone numbers) that a
library or a careless message might put into the event text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import structlog

from pv.privacy.scrub import scrub_text

# Shared by structlog loggers and foreign (stdlib) records before rendering.
_TIMESTAMPER = structlog.processors.TimeStamper(fmt="iso", utc=True)


# Kept whole: ids (UUIDs) and server origins ("Listening at: http://127.0.0.1:8000") are not
# contact data, and the scrubber would otherwise eat them as phone numbers or links.
_KEEP = re.compile(
    r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b"
    r"|\bhttps?://[A-Za-z0-9.\-\[\]:]+(?![@\w])"
)
_SLOT = "keptslot"


def scrub_message(text: str) -> str:
    """Mask emails and phone numbers in a log message."""
    if "@" not in text and not any(c.isdigit() for c in text):
        return text
    kept = _KEEP.findall(text)
    out = scrub_text(_KEEP.sub(_SLOT, text))
    for value in kept:
        out = out.replace(_SLOT, value, 1)
    return out


def scrub_event(_logger: Any, _name: str, event_dict: dict) -> dict:
    """Defence in depth, not the main guard: the message text never carries contact details."""
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = scrub_message(event)
    return event_dict


def _pre_chain() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        # No ExtraAdder: libraries' `extra` payloads (Celery's task args and return values)
        # stay out of the log lines.
        _TIMESTAMPER,
        scrub_event,
    ]


def formatter(*, json: bool = True) -> dict:
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
        "foreign_pre_chain": _pre_chain(),
    }


def logging_config(*, level: str = "INFO", json: bool = True) -> dict:
    """The LOGGING dict for settings: one console handler, JSON (or readable text) lines."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter(json=json)},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The request middleware writes one line per request; Django's own would repeat it.
            "django.server": {"level": "WARNING"},
        },
    }


def demo_logging_config(
    *, log_file: Path, level: str = "INFO", console_level: str = "WARNING"
) -> dict:
    """`pv demo`: the console shows warnings only; everything else goes to a JSON file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": formatter(json=True),
            "short": {"format": "%(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "short",
                "level": console_level,
            },
            "file": {
                "class": "logging.handlers.RotatingFileHandler",
                "filename": str(log_file),
                "maxBytes": 20 * 1024 * 1024,
                "backupCount": 3,
                "formatter": "structured",
            },
        },
        "root": {"handlers": ["console", "file"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # A 404 for a favicon is not a warning worth a console line: the request log in
            # the file has every status.
            "django.server": {"level": "ERROR"},
            "django.request": {"level": "ERROR"},
        },
    }


def configure_structlog() -> None:
    """structlog's own loggers hand their events to the stdlib handlers configured above."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            _TIMESTAMPER,
            scrub_event,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
