from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """Serving readers fast: the full-page cache, HTTP caching, purging caches in front of
    us, and the production server command."""

    name = "clarion.delivery"
    label = "delivery"

    def ready(self):
        from . import purge  # noqa: F401  (connects the purge signal handlers)
