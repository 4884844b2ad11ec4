from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clarion.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import signals  # noqa: F401
