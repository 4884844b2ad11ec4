from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """How readers and machines find the paper: search, feeds, sitemaps, structured data."""

    name = "clarion.discovery"
    label = "discovery"
    verbose_name = "Discovery"
