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
        # The request id stays bound until the response is closed, then goes, so lines written
        # between requests (a worker exiting) carry no stale id.
        request_finished.connect(
            lambda **_: structlog.contextvars.clear_contextvars(),
            dispatch_uid="ops.clear_log_context",
            weak=False,
        )
