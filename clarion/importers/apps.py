from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "clarion.importers"
    label = "importers"
    verbose_name = "Imports from WordPress and Ghost"
