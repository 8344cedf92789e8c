from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health and readiness, metrics, request logging, read-volume (scraper) limits."""

    name = "ops"
    verbose_name = "operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pv.logs import configure_structlog

        configure_structlog()
