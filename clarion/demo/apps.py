from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "clarion.demo"
    label = "demo"
    verbose_name = "Demo content"
