from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The embedded demo: the synthetic community and its seeding (`pv demo`). It uses every
    app, so it stands on top of them, not inside `pv/`."""

    name = "demo"
    verbose_name = "pv demo"
