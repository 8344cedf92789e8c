"""gunicorn settings for pv: `gunicorn -c python:ops.gunicorn_conf pv.wsgi`.

Every value can be overridden on the command line. See docs/operations.md ("Graceful
shutdown"): SIGTERM drains in-flight requests for `graceful_timeout` seconds.
"""

from __future__ import annotations

import os

from pv.logs import logging_config

bind = os.environ.get("PV_BIND", "127.0.0.1:8000")  # behind the reverse proxy
workers = int(os.environ.get("PV_WEB_WORKERS", "4"))
timeout = int(os.environ.get("PV_WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("PV_GRACEFUL_TIMEOUT", "30"))
# The proxy's address: only it may set X-Forwarded-Proto / -For.
forwarded_allow_ips = os.environ.get("PV_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicorn access log: pv logs every request as JSON, without query strings.
accesslog = None
# gunicorn's own lines (start, worker exits, signals) in pv's format too.
logconfig_dict = logging_config(
    level=os.environ.get("PV_LOG_LEVEL", "INFO"),
    json=os.environ.get("PV_LOG_FORMAT", "json") != "console",
)
# gunicorn gives its error logger a plain handler of its own; naming the logger here replaces it.
logconfig_dict["loggers"]["gunicorn.error"] = {
    "level": "INFO",
    "handlers": ["console"],
    "propagate": False,
}


def child_exit(server, worker) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, drop a dead worker's live gauges from the merged view."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
