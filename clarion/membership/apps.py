from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "clarion.membership"
    label = "membership"
    verbose_name = "Membership"

    def ready(self):
        from . import signals  # noqa: F401
