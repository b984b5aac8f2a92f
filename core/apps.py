from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What both apps share: rate limits, reader text, request limits, error pages."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
