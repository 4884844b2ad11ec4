"""clarion clear_caches: after a deployment that changed templates or code, drop every
cached page and fragment (content changes never need this: they make new keys)."""

from django.core.management.base import BaseCommand

from clarion.core.content_version import clear_caches, content_changed


class Command(BaseCommand):
    help = "Empty the page and fragment caches in this process's cache backends."

    def handle(self, *args, **options):
        clear_caches()
        content_changed()  # other processes' local-memory caches: new keys within a second
        self.stdout.write("Caches cleared.")
