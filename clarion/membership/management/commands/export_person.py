"""clarion export-person: everything held about one person, as JSON (a subject access
request). The export is written to the audit log."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clarion.membership import audit
from clarion.membership.models import AuditEntry
from clarion.membership.personal_data import export_person

from ._people import find_person


class Command(BaseCommand):
    help = "Write everything stored about one person as JSON, to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("person", help="Their number, email address or phone number")
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")

    def handle(self, *args, **options):
        person = find_person(options["person"])
        text = json.dumps(export_person(person), indent=2, ensure_ascii=False)
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_text(text + "\n", encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Could not write {path}: {error.strerror}") from None
            self.stderr.write(f"Wrote the data of person {person.pk} to {path}")
        else:
            self.stdout.write(text)
        audit.record(None, AuditEntry.Action.EXPORTED, "person", person.pk, detail="all their data")
