"""Filing a join request, the same whether it came by the form or by text message."""

from django.db import transaction

from clarion.organising.locator import nearest_branches

from . import notifications
from .models import JoinRequest, Person
from .public_forms import record_consent


def nearest_branch(point, postcode=None):
    """The branch for someone at `point` (one covering their postcode first), or None."""
    nearest = nearest_branches(point, postcode, count=1) if point else []
    return nearest[0].branch if nearest else None


@transaction.atomic
def file_join_request(request, person_fields, source, consent, interests="", message=""):
    """The person, their join request and their consent (a (purpose, wording) pair),
    together or not at all; the emails follow once it is committed."""
    person = Person.objects.create(**person_fields)
    join_request = JoinRequest.objects.create(
        person=person, source=source, interests=interests, message=message
    )
    record_consent(person, *consent)
    notifications.join_received(join_request, request)
    return join_request
