from django.apps import AppConfig


class PvConfig(AppConfig):
    name = "pv"
    verbose_name = "pv core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make the project's Celery app the current one before any task module is imported.
        from . import celery  # noqa: F401
