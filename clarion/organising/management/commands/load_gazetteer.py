"""clarion load-gazetteer FILE: load a GeoNames postal-code file (GB.zip, allCountries.zip
from https://download.geonames.org/export/zip/) into the gazetteer behind the
nearest-branch locator. Loading again updates; an interrupted load is finished by running
it again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clarion.organising.gazetteer import GazetteerError, load_gazetteer
from clarion.organising.models import Place


class Command(BaseCommand):
    help = (
        "Load a GeoNames postal-code file (.txt, or the .zip it is published in) into the "
        "gazetteer that turns a reader's postcode or town into a place on the map."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="e.g. GB.zip or allCountries.zip from GeoNames")
        parser.add_argument(
            "--country", help="load only this country's lines (two-letter code, e.g. GB)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if Place._meta.db_table not in connection.introspection.table_names():
            raise CommandError("The database has no tables yet: run `clarion migrate` first.")
        try:
            report = load_gazetteer(
                options["file"],
                progress=not options["no_progress"],
                log=self.stdout.write,
                country=options["country"],
            )
        except GazetteerError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(report.summary())
