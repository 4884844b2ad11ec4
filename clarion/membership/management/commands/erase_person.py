"""clarion erase-person: delete everything about one person (an erasure request). Donations
stay in the accounts, with no link to anyone. Written to the audit log by number only."""

from django.core.management.base import BaseCommand, CommandError

from clarion.membership.payments import PaymentsNotStopped
from clarion.membership.personal_data import erase_person, export_person

from ._people import find_person


class Command(BaseCommand):
    help = "Erase one person and every record of them. Asks first unless --yes is given."

    def add_arguments(self, parser):
        parser.add_argument("person", help="Their number, email address or phone number")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation")

    def handle(self, *args, **options):
        person = find_person(options["person"])
        records = export_person(person)["records"]
        summary = ", ".join(
            f"{len(rows)} {name.replace('_', ' ')}" for name, rows in records.items()
        )
        self.stdout.write(f"Person {person.pk}: {summary}.")
        if not options["yes"]:
            answer = input("Erase them and all of this? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing was erased.")
        try:
            number = erase_person(person)
        except PaymentsNotStopped as problem:
            raise CommandError(f"{problem} Nothing was erased.") from None
        self.stdout.write(self.style.SUCCESS(f"Person {number} was erased."))
