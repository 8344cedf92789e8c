from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages: reviewer workspace, partner inboxes, member pages. They use every app, so
    they stand on top of them (STYLE.md, "Layers"), not inside `pv/`."""

    name = "web"
    verbose_name = "pv pages"
