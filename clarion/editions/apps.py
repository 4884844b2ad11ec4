from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "clarion.editions"
    label = "editions"
    verbose_name = "Editions"
