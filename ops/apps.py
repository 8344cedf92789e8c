from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health and readiness, metrics, request logging, read-volume (scraper) limits."""

    name = "ops"
    verbose_name = "operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import structlog
        from django.core.signals import request_finished

        from pv.logs import configure_structlog

        configure_structlog()
        _check_read_limits()
        # The request id stays bound until the response is closed, then goes, so lines written
        # between requests (a worker exiting) carry no stale id.
        request_finished.connect(
            lambda **_: structlog.contextvars.clear_contextvars(),
            dispatch_uid="ops.clear_log_context",
            weak=False,
        )


def _check_read_limits() -> None:
    """A malformed PV_READ_LIMITS stops the start-up, not every later read with a 500."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from ops.readcount import parse_limits

    try:
        parse_limits(settings.PV_READ_LIMITS)
    except ValueError as exc:
        raise ImproperlyConfigured(f"PV_READ_LIMITS: {exc}") from exc
