from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "clarion.home"
    label = "home"
    verbose_name = "Home"
