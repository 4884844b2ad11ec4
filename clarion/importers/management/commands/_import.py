"""What `clarion import-wordpress` and `clarion import-ghost` share: the arguments, the
checks made before anything is written, the progress bar and the final report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clarion.importers.importer import Importer, SiteNotReady
from clarion.importers.records import ImportFileError


class ImportCommand(BaseCommand):
    export_class = None  # the source: WordPressExport or GhostExport
    file_help = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument(
            "--media-dir",
            help="A local copy of the old site's pictures (nothing is downloaded); "
            "pictures not found there are listed at the end",
        )

    def handle(self, *args, file, media_dir=None, verbosity=1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir}: no such folder")

        def progress(total, unit, desc):
            """A bar on standard error: the file's bytes checked, then its records imported."""
            return tqdm(
                total=total, unit=unit if unit == "B" else f" {unit}s", unit_scale=unit == "B",
                file=self.stderr, disable=verbosity == 0, mininterval=0.5, desc=desc,
                dynamic_ncols=True,
            )  # fmt: skip

        self.stderr.write(f"Checking {path} (nothing is written until all of it reads well) …")
        importer = Importer(self.export_class(path), media_dir=media_dir, progress=progress)
        try:
            report = importer.run()
        except (ImportFileError, SiteNotReady) as error:
            raise CommandError(f"{error}\nNothing was imported.") from None
        for line in report.lines():
            self.stdout.write(line)
        if report.failures:
            self.stdout.write(self.style.WARNING(f"{len(report.failures)} records failed."))
