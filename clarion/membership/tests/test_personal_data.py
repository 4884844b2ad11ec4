"""One person's data: exported whole (admin action and command), or erased so that nothing
about them is left anywhere in the database."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clarion.membership.models import AuditEntry, Donation, Person
from clarion.organising.tests.factories import BranchFactory, PlaceFactory

from .factories import DonationFactory, SubscriptionFactory, staff_user
from .two_factor import sign_in_verified

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Wilhelmina Froggatt",
    "email": "wilhelmina.froggatt@example.org",
    "phone": "07700 900777",
    "where": "QQ9 9QQ",
    "message": "My cousin Ermintrude told me about you",
}


@pytest.fixture
def person(client, django_capture_on_commit_callbacks):
    """Someone who joined through the form, subscribed and pledged, and whose record an
    organiser has opened and changed — so the data has reached every table it can."""
    branch = BranchFactory(name="Quayside", latitude=55.0, longitude=-1.6)
    PlaceFactory(postal_code="QQ9", name="Quayside", latitude=55.0, longitude=-1.6)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/join/", {**DETAILS, "consent": "on", "website": ""})
    assert response.status_code == 302
    person = Person.objects.get()
    person.postal_address = "1 Froggatt Terrace, Quayside"
    person.save()
    SubscriptionFactory(person=person)
    DonationFactory(person=person, amount=15)
    organiser = staff_user("organiser", "Branch secretaries", "branch", branch=branch)
    sign_in_verified(client, organiser)
    join_request = person.join_requests.get()
    response = client.post(
        f"/admin/membership/join-requests/edit/{join_request.pk}/",
        {"status": "contacted", "notes": "Spoke to Wilhelmina on the phone", "branch": branch.pk},
    )
    assert response.status_code == 302
    client.post(
        f"/admin/membership/people/edit/{person.pk}/",
        {
            "name": DETAILS["name"],
            "email": DETAILS["email"],
            "phone": DETAILS["phone"],
            "postcode": "QQ9 9QQ",
            "town": "Quayside",
            "postal_address": person.postal_address,
            "branch": branch.pk,
            "member_since": "",
        },
    )
    client.logout()
    return Person.objects.get()


def needles():
    return [
        "Wilhelmina",
        "Froggatt",
        "wilhelmina.froggatt@example.org",
        "900777",
        "QQ9 9QQ",
        "Ermintrude",
    ]


def database_rows_mentioning(words):
    """(table, word) for every row of every table whose text holds one of the words."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row if value is not None)
                found += [(table, word) for word in words if word in text]
    return found


def test_the_data_export_holds_everything_about_them(client, person):
    national = staff_user("national", "National membership staff", "national")
    sign_in_verified(client, national)
    response = client.get(f"/admin/membership/people/export-data/{person.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    data = json.loads(response.content)
    assert (data["name"], data["email"], data["phone"], data["branch"]) == (
        DETAILS["name"],
        DETAILS["email"],
        DETAILS["phone"],
        "Quayside",
    )
    records = data["records"]
    assert records["join_requests"][0]["message"] == DETAILS["message"]
    assert records["join_requests"][0]["status"] == "contacted"
    assert records["subscriptions"][0]["kind"] == "print"
    assert records["donations"][0]["amount"] == "15.00"
    assert records["consents"][0]["wording_version"] == 1
    assert records["consents"][0]["purpose"] == "Joining"
    assert AuditEntry.objects.filter(
        action="exported", record_type="person", record_id=str(person.pk), user=national
    ).exists()


def test_the_export_command_writes_the_same_data(person, tmp_path):
    target = tmp_path / "person.json"
    call_command("export_person", DETAILS["email"], output=str(target))
    data = json.loads(target.read_text())
    assert data["name"] == DETAILS["name"]
    assert data["records"]["join_requests"][0]["notes"] == "Spoke to Wilhelmina on the phone"
    entry = AuditEntry.objects.filter(action="exported").latest("at")
    assert entry.user is None and entry.actor.startswith("command line")


def test_erasure_in_the_admin_leaves_no_personal_data_in_the_database(client, person):
    assert database_rows_mentioning(needles())  # the data was there to find
    national = staff_user("national", "National membership staff", "national")
    sign_in_verified(client, national)
    confirm = client.get(f"/admin/membership/people/erase/{person.pk}/")
    assert confirm.status_code == 200
    assert Person.objects.filter(pk=person.pk).exists()  # asking erases nothing
    response = client.post(f"/admin/membership/people/erase/{person.pk}/")
    assert response.status_code == 302

    assert database_rows_mentioning(needles()) == []
    assert not Person.objects.filter(pk=person.pk).exists()
    donation = Donation.objects.get()
    assert donation.person is None and str(donation.amount) == "15.00"  # the accounts add up
    assert AuditEntry.objects.filter(
        action="erased", record_id=str(person.pk), user=national
    ).exists()


def test_erasure_by_command_leaves_no_personal_data(person):
    call_command("erase_person", str(person.pk), yes=True)
    assert database_rows_mentioning(needles()) == []
    assert AuditEntry.objects.filter(action="erased", record_id=str(person.pk)).exists()


def test_a_branch_secretary_cannot_erase(client, person):
    secretary = staff_user("sec2", "Branch secretaries", "branch", branch=person.branch)
    sign_in_verified(client, secretary)
    assert client.post(f"/admin/membership/people/erase/{person.pk}/").status_code == 404
    assert Person.objects.filter(pk=person.pk).exists()


def test_commands_say_clearly_when_they_cannot_find_one_person(person):
    with pytest.raises(CommandError, match="No person number 999"):
        call_command("erase_person", "999", yes=True)
    Person.objects.create(name="Twin", email=DETAILS["email"].upper())
    with pytest.raises(CommandError, match="2 people have"):
        call_command("export_person", DETAILS["email"])
    assert Person.objects.count() == 2


# Card payments that would outlive the person -------------------------------------------------

CANCELLED = {"id": "sub_test_9z", "object": "subscription", "status": "canceled"}


@pytest.fixture
def card_payer(person):
    """The person also pays by card through Stripe: a monthly pledge and a yearly
    subscription, both running as Stripe subscriptions."""
    pledge = DonationFactory(
        person=person,
        method="card",
        frequency="monthly",
        status="active",
        provider_reference="sub_test_9z",
    )
    SubscriptionFactory(
        person=person,
        method="card",
        frequency="yearly",
        status="active",
        provider_reference="sub_test_8y",
    )
    return pledge


def test_erasure_cancels_their_card_payments_at_stripe(client, person, card_payer, stripe_api):
    stripe_api.answer = (200, CANCELLED)
    call_command("erase_person", str(person.pk), yes=True)
    cancelled = sorted(
        path for path, _sent, headers in stripe_api.received if path.startswith("/v1/subscr")
    )
    assert cancelled == ["/v1/subscriptions/sub_test_8y", "/v1/subscriptions/sub_test_9z"]
    pledge = Donation.objects.get(pk=card_payer.pk)
    # kept for the accounts, with no way back to the person or to Stripe's customer record
    assert (pledge.person, pledge.status, pledge.provider_reference) == (None, "cancelled", "")
    assert database_rows_mentioning(needles()) == []


def test_erasure_stops_with_nothing_erased_when_stripe_cannot_be_told(
    client, person, card_payer, stripe_api
):
    stripe_api.answer = (500, {"error": {"type": "api_error", "message": "Try again later."}})
    national = staff_user("national", "National membership staff", "national")
    sign_in_verified(client, national)
    response = client.post(f"/admin/membership/people/erase/{person.pk}/", follow=True)
    page = response.content.decode()
    assert "Stripe could not cancel the card payments of" in page
    assert "Nothing was erased" in page
    assert Person.objects.filter(pk=person.pk).exists()
    assert Donation.objects.get(pk=card_payer.pk).person == person
    assert not AuditEntry.objects.filter(action="erased").exists()
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_person", str(person.pk), yes=True)


def test_donations_given_by_someone_erased_still_export(client, person):
    call_command("erase_person", str(person.pk), yes=True)
    national = staff_user("national", "National membership staff", "national")
    sign_in_verified(client, national)
    export = client.get("/admin/membership/donations/?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [(row["Amount"], row["Name"]) for row in rows] == [("15.00", "")], rows


def test_their_page_lists_the_other_records_with_their_email(client, person):
    again = Person.objects.create(name="W. Froggatt", email=DETAILS["email"].upper())
    stranger = Person.objects.create(name="Someone Else", email="else@example.org")
    national = staff_user("national", "National membership staff", "national")
    sign_in_verified(client, national)
    page = client.get(f"/admin/membership/people/inspect/{person.pk}/").content.decode()
    assert f"/admin/membership/people/inspect/{again.pk}/" in page
    assert f"/admin/membership/people/inspect/{stranger.pk}/" not in page
