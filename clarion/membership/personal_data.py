"""One person's data: all of it, machine-readable (a subject access request), or none of it
(erasure). Both are admin actions on the person's page and commands
(`clarion export-person`, `clarion erase-person`)."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from wagtail.models import ModelLogEntry

from . import audit, payments
from .models import AuditEntry, Consent, Donation, JoinRequest, Person, Subscription

# What is kept of a person and each kind of record: exported whole, and listed in the
# admin's pages and CSV exports.
PERSON_FIELDS = (
    "name email email_confirmed_at phone postcode town postal_address member_since "
    "created_at updated_at"
).split()
JOIN_REQUEST_FIELDS = (
    "status source interests message notes received_at status_changed_at"
).split()
SUBSCRIPTION_FIELDS = (
    "reference kind status start_date renewal_date amount currency frequency method "
    "payments_received last_paid_at created_at"
).split()
DONATION_FIELDS = (
    "reference amount currency frequency method status payments_received last_paid_at created_at"
).split()
RECORDS = {
    "join_requests": (JoinRequest, JOIN_REQUEST_FIELDS),
    "subscriptions": (Subscription, SUBSCRIPTION_FIELDS),
    "donations": (Donation, DONATION_FIELDS),
}


def plain(value):
    """JSON-ready: dates as ISO text, decimals as text (no rounding)."""
    return (
        DjangoJSONEncoder().default(value)
        if not isinstance(value, str | int | float | bool | type(None))
        else value
    )


def export_person(person):
    """Everything stored about the person, as a dict that serialises to JSON."""
    data = {"id": person.pk, **{field: plain(getattr(person, field)) for field in PERSON_FIELDS}}
    data["branch"] = person.branch.name if person.branch else None
    data["region"] = person.region.name if person.region else None
    records = {}
    for key, (model, fields) in RECORDS.items():
        rows = model.objects.filter(person=person).order_by("pk")
        records[key] = [
            {"id": row.pk, **{field: plain(getattr(row, field)) for field in fields}}
            for row in rows
        ]
    records["consents"] = [
        {
            "purpose": consent.wording.get_purpose_display(),
            "wording_version": consent.wording.version,
            "wording": consent.wording.text,
            "given_at": plain(consent.given_at),
        }
        for consent in Consent.objects.filter(person=person).select_related("wording")
    ]
    data["records"] = records
    return data


def erase_person(person, user=None):
    """Deletes the person and every record of them. Their card payments are stopped at
    Stripe first (PaymentsNotStopped, and nothing erased here, if that fails).
    Donations stay for the accounts, with no link to anyone or to Stripe's customer
    record. The admin's own change log for these records goes too; the audit log keeps one
    line saying that person number N was erased, and by whom."""
    stopped = payments.stop_card_payments(person)
    with transaction.atomic():
        return erase_records(person, user, stopped)


def erase_records(person, user, stopped):
    pk = person.pk
    owned = {
        Person: [pk],
        JoinRequest: list(person.join_requests.values_list("pk", flat=True)),
        Subscription: list(person.subscriptions.values_list("pk", flat=True)),
        Donation: list(person.donations.values_list("pk", flat=True)),
        Consent: list(person.consents.values_list("pk", flat=True)),
    }
    for model, ids in owned.items():
        if ids:
            ModelLogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(i) for i in ids],
            ).delete()
    stopped_donations = [payable.pk for payable in stopped if isinstance(payable, Donation)]
    Donation.objects.filter(pk__in=stopped_donations).update(status=Donation.Status.CANCELLED)
    Donation.objects.filter(person=person).update(person=None, provider_reference="")
    person.delete()
    audit.record(user, AuditEntry.Action.ERASED, "person", pk)
    return pk
