"""Finding the one person a personal-data command is about."""

from django.core.management.base import CommandError

from clarion.membership.models import Person


def find_person(identifier):
    """By number, or by email address or phone number when exactly one person has it."""
    identifier = identifier.strip()
    if identifier.isdigit():
        person = Person.objects.filter(pk=int(identifier)).first()
        if person is None:
            raise CommandError(f"No person number {identifier}.")
        return person
    matches = list(
        Person.objects.filter(email__iexact=identifier) or Person.objects.filter(phone=identifier)
    )
    if not matches:
        raise CommandError(f"No person has the email address or phone number {identifier!r}.")
    if len(matches) > 1:
        numbers = ", ".join(str(person.pk) for person in matches)
        raise CommandError(
            f"{len(matches)} people have {identifier!r} (numbers {numbers}): give the number."
        )
    return matches[0]
