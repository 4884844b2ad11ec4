from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "clarion.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import signals  # noqa: F401
