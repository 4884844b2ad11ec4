from django.apps import AppConfig


class OrganisingConfig(AppConfig):
    name = "clarion.organising"
    label = "organising"
    verbose_name = "Organising"

    def ready(self):
        from . import signals  # noqa: F401
