"""Access by role and place, from every role against every kind of record: lists, search,
CSV exports, each record's pages (a guessed id is a 404), the person's data export and
erasure — and every look written to the audit log."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clarion.membership.models import AuditEntry, Donation, JoinRequest, Person, Subscription
from clarion.organising.tests.factories import BranchFactory, RegionFactory

from .factories import (
    DonationFactory,
    JoinRequestFactory,
    PersonFactory,
    SubscriptionFactory,
    staff_user,
)
from .two_factor import sign_in_verified

pytestmark = pytest.mark.django_db

PLACES = ("middleton", "eastholme", "southville", "nowhere")
VIEWSETS = {
    Person: "membership_people",
    JoinRequest: "membership_join_requests",
    Subscription: "membership_subscriptions",
    Donation: "membership_donations",
}
PREFIXES = {
    Person: "/admin/membership/people/",
    JoinRequest: "/admin/membership/join-requests/",
    Subscription: "/admin/membership/subscriptions/",
    Donation: "/admin/membership/donations/",
}
LIST_QUERIES = 30  # a page of the inbox, with its audit entry and the admin's menus
# Who sees the people of which place.
SEES = {
    "superuser": {"middleton", "eastholme", "southville", "nowhere"},
    "national": {"middleton", "eastholme", "southville", "nowhere"},
    "regional": {"middleton", "eastholme"},
    "secretary": {"middleton"},
    "group-only": set(),
    "editor": set(),
}


@pytest.fixture
def world():
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    branches = {
        "middleton": BranchFactory(name="Middleton", region=north),
        "eastholme": BranchFactory(name="Eastholme", region=north),
        "southville": BranchFactory(name="Southville", region=south),
        "nowhere": None,
    }
    people = {}
    for place, branch in branches.items():
        person = PersonFactory(
            name=f"Person Of{place.title()}", email=f"{place}@example.org", branch=branch
        )
        JoinRequestFactory(person=person)
        SubscriptionFactory(person=person)
        DonationFactory(person=person)
        people[place] = person
    users = {
        "superuser": staff_user("root", is_superuser=True),
        "national": staff_user("nat", "National membership staff", "national"),
        "regional": staff_user("reg", "Regional organisers", "region", region=north),
        "secretary": staff_user(
            "sec", "Branch secretaries", "branch", branch=branches["middleton"]
        ),
        "group-only": staff_user("grp", "Branch secretaries"),
        "editor": staff_user("ed", "Editors"),
    }
    return {"people": people, "users": users, "branches": branches}


def records_of(model, person):
    return model.objects.filter(person=person) if model is not Person else [person]


def record_ids(model, world, places):
    return {record.pk for place in places for record in records_of(model, world["people"][place])}


def listed_ids(response):
    """Record ids linked from a listing page."""
    content = response.content.decode()
    return {
        int(part.split("/")[0])
        for view in ("/edit/", "/inspect/")
        for part in content.split(view)[1:]
        if part.split("/")[0].isdigit()
    }


@pytest.mark.parametrize("role", list(SEES))
@pytest.mark.parametrize("model", list(VIEWSETS), ids=lambda m: m.__name__)
def test_each_role_lists_and_exports_only_its_own_area(client, world, role, model):
    sign_in_verified(client, world["users"][role])
    prefix = PREFIXES[model]
    listing = client.get(prefix)
    export = client.get(prefix + "?export=csv")
    visible = SEES[role]
    if role == "editor":
        assert listing.status_code in (302, 403)  # no permission at all
        assert export.status_code in (302, 403)
        return
    assert listing.status_code == 200
    assert listed_ids(listing) == record_ids(model, world, visible)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    exported = " ".join(" ".join(row) for row in rows[1:])
    for place in PLACES:
        assert (f"{place}@example.org" in exported) == (place in visible), place
    assert len(rows) - 1 == len(record_ids(model, world, visible))


@pytest.mark.parametrize("role", list(SEES))
def test_search_finds_only_people_in_the_area(client, world, role):
    sign_in_verified(client, world["users"][role])
    response = client.get("/admin/membership/people/?q=Person")
    if role == "editor":
        assert response.status_code in (302, 403)
        return
    found = listed_ids(response)
    assert found == {world["people"][place].pk for place in SEES[role]}


@pytest.mark.parametrize("role", ["regional", "secretary", "group-only", "national"])
@pytest.mark.parametrize("model", list(VIEWSETS), ids=lambda m: m.__name__)
def test_a_guessed_address_outside_the_area_is_not_found(client, world, role, model):
    """Outside their area a record's pages answer exactly as for an id that does not
    exist: 404, or — for a view the role may not use at all — the same refusal."""
    sign_in_verified(client, world["users"][role])
    prefix = PREFIXES[model]
    for view in ("edit", "inspect", "history", "usage", "delete"):
        missing = client.get(f"{prefix}{view}/999999/")
        assert missing.status_code in (302, 404)
        for place in PLACES:
            for record in records_of(model, world["people"][place]):
                response = client.get(f"{prefix}{view}/{record.pk}/")
                if place in SEES[role]:
                    assert response.status_code in (200, 302), (view, place)
                else:
                    assert (response.status_code, response.get("Location")) == (
                        missing.status_code,
                        missing.get("Location"),
                    ), (view, place)
                    assert f"{place}@example.org".encode() not in response.content


@pytest.mark.parametrize("role", ["regional", "secretary", "group-only"])
def test_data_export_and_erasure_outside_the_area_are_not_found(client, world, role):
    sign_in_verified(client, world["users"][role])
    south = world["people"]["southville"]
    assert client.get(f"/admin/membership/people/export-data/{south.pk}/").status_code == 404
    assert client.post(f"/admin/membership/people/erase/{south.pk}/").status_code == 404
    assert Person.objects.filter(pk=south.pk).exists()


def test_editors_cannot_reach_personal_data_at_all(client, world):
    sign_in_verified(client, world["users"]["editor"])
    person = world["people"]["middleton"]
    for url in (
        f"/admin/membership/people/edit/{person.pk}/",
        f"/admin/membership/people/export-data/{person.pk}/",
        "/admin/membership/people/?export=csv",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert b"middleton@example.org" not in response.content


def test_looks_and_exports_are_written_to_the_audit_log(client, world):
    user = world["users"]["secretary"]
    sign_in_verified(client, user)
    person = world["people"]["middleton"]
    client.get("/admin/membership/people/?q=Person")
    client.get(f"/admin/membership/people/inspect/{person.pk}/")
    b"".join(client.get("/admin/membership/join-requests/?export=csv").streaming_content)
    client.get(f"/admin/membership/people/export-data/{person.pk}/")
    entries = list(AuditEntry.objects.filter(user=user).order_by("pk"))
    assert [(e.action, e.record_type, e.record_id, e.count) for e in entries] == [
        ("listed", "person", "", 1),
        ("viewed", "person", str(person.pk), 1),
        ("exported", "join request", "", 1),
        ("exported", "person", str(person.pk), 1),
    ]
    assert entries[0].detail == "filters: q"  # the search term itself is not kept
    assert all("Person" not in e.detail for e in entries)


def test_staff_cannot_change_or_delete_the_audit_log(client, world):
    root = world["users"]["superuser"]
    sign_in_verified(client, root)
    client.get("/admin/membership/people/")
    entry = AuditEntry.objects.first()
    assert client.get("/admin/membership/audit-log/").status_code == 200
    assert client.get(f"/admin/membership/audit-log/edit/{entry.pk}/").status_code in (302, 403)
    response = client.post(f"/admin/membership/audit-log/delete/{entry.pk}/")
    assert response.status_code in (302, 403)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(detail="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_only_superusers_grant_access_to_personal_data(client, world):
    sign_in_verified(client, world["users"]["national"])
    assert client.get("/admin/membership/staff-access/").status_code in (302, 403)
    sign_in_verified(client, world["users"]["superuser"])
    assert client.get("/admin/membership/staff-access/").status_code == 200


def test_a_branch_secretary_can_only_file_people_in_their_branch(client, world):
    sign_in_verified(client, world["users"]["secretary"])
    response = client.get("/admin/membership/people/new/")
    assert response.status_code == 200
    options = [
        option.strip()
        for option in response.content.decode()
        .split('name="branch"')[1]
        .split("</select>")[0]
        .split("<option")[1:]
    ]
    assert len([o for o in options if 'value=""' not in o]) == 1


def test_handing_a_join_request_to_another_branch_moves_the_person(client, world):
    sign_in_verified(client, world["users"]["regional"])
    request = JoinRequest.objects.get(person=world["people"]["middleton"])
    response = client.post(
        f"/admin/membership/join-requests/edit/{request.pk}/",
        {"status": "contacted", "notes": "Rang them", "branch": world["branches"]["eastholme"].pk},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "contacted" and request.status_changed_at is not None
    assert request.person.branch == world["branches"]["eastholme"]
    assert AuditEntry.objects.filter(action="changed", record_id=str(request.pk)).exists()


def test_marking_a_member_counts_them(client, world):
    sign_in_verified(client, world["users"]["secretary"])
    request = JoinRequest.objects.get(person=world["people"]["middleton"])
    client.post(
        f"/admin/membership/join-requests/edit/{request.pk}/",
        {"status": "member", "notes": "", "branch": world["branches"]["middleton"].pk},
    )
    assert Person.objects.get(pk=request.person_id).member_since is not None


def test_a_group_without_a_place_sees_no_one(world):
    user = world["users"]["group-only"]
    assert Group.objects.get(name="Branch secretaries") in user.groups.all()
    for model in VIEWSETS:
        assert model.objects.visible_to(user).count() == 0


def test_national_staff_record_a_bank_payment_and_organisers_cannot(client, world):
    donation = Donation.objects.get(person=world["people"]["middleton"])
    url = f"/admin/membership/donations/record-payment/{donation.pk}/"
    sign_in_verified(client, world["users"]["secretary"])
    page = client.get(f"/admin/membership/donations/inspect/{donation.pk}/")
    assert b"Record a payment received" not in page.content  # view only
    assert client.post(url).status_code == 404
    sign_in_verified(client, world["users"]["national"])
    page = client.get(f"/admin/membership/donations/inspect/{donation.pk}/")
    assert b"Record a payment received" in page.content
    assert client.post(url).status_code == 302
    donation.refresh_from_db()
    assert (donation.status, donation.payments_received) == ("active", 1)  # a monthly pledge
    assert AuditEntry.objects.filter(action="changed", detail="payment received").exists()


@pytest.mark.parametrize("model", [JoinRequest, Subscription, Donation], ids=lambda m: m.__name__)
def test_records_that_come_from_the_public_forms_are_not_added_in_the_admin(client, world, model):
    sign_in_verified(client, world["users"]["superuser"])
    prefix = PREFIXES[model]
    assert client.get(prefix + "new/").status_code in (302, 403)
    assert f'href="{prefix}new/"' not in client.get(prefix).content.decode()
    before = model.objects.count()
    client.post(prefix + "new/", {"status": "new"})
    assert model.objects.count() == before


def test_a_regional_organiser_files_a_person_under_one_of_their_branches(client, world):
    sign_in_verified(client, world["users"]["regional"])
    details = {"name": "New Person", "email": "new@example.org", "phone": "", "postcode": ""}
    missing = client.post("/admin/membership/people/new/", {**details, "town": "", "branch": ""})
    assert missing.status_code == 200 and not Person.objects.filter(name="New Person").exists()
    added = client.post(
        "/admin/membership/people/new/",
        {**details, "town": "", "branch": world["branches"]["eastholme"].pk},
    )
    assert added.status_code == 302
    assert Person.objects.get(name="New Person").region.name == "North"


def test_the_site_history_report_shows_no_membership_changes(client, world):
    """Wagtail's report shows its change log to anyone with a permission on the model,
    whatever their area; membership keeps to its own audit log."""
    southerner = world["people"]["southville"]
    sign_in_verified(client, world["users"]["national"])
    response = client.post(
        f"/admin/membership/people/edit/{southerner.pk}/",
        {"name": "Person Ofsouthville", "email": "southville@example.org", "phone": "",
         "postcode": "", "town": "Elsewhere", "postal_address": "",
         "branch": world["branches"]["southville"].pk, "member_since": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="changed", record_id=str(southerner.pk)).exists()
    secretary = sign_in_verified(Client(), world["users"]["secretary"])
    report = secretary.get("/admin/reports/site-history/")
    assert report.status_code == 200
    assert f"Person {southerner.pk}" not in report.content.decode()


@pytest.mark.parametrize("prefix", list(PREFIXES.values()))
def test_a_list_costs_the_same_queries_however_long(client, world, prefix):
    """The inbox's query budget does not grow with the number of records listed."""
    sign_in_verified(client, world["users"]["national"])
    counts = []
    for size in (5, 20):
        for n in range(size):
            person = PersonFactory(email=f"more-{n}-{size}@example.org")
            JoinRequestFactory(person=person)
            SubscriptionFactory(person=person)
            DonationFactory(person=person)
        client.get(prefix)  # the first look after a change also reads the content version
        with CaptureQueriesContext(connection) as queries:
            assert client.get(prefix).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= LIST_QUERIES, counts


def test_a_regional_organiser_follows_up_someone_whose_branch_closed(client, world):
    person = world["people"]["middleton"]
    request = JoinRequest.objects.get(person=person)
    Person.objects.filter(pk=person.pk).update(branch=None)  # the branch closed
    sign_in_verified(client, world["users"]["regional"])
    response = client.post(
        f"/admin/membership/join-requests/edit/{request.pk}/",
        {"status": "contacted", "notes": "Rang them", "branch": ""},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "contacted" and request.person.region.name == "North"


def test_people_go_only_by_erasure_never_a_plain_delete(client, world):
    person = world["people"]["middleton"]
    sign_in_verified(client, world["users"]["superuser"])
    assert client.post(f"/admin/membership/people/delete/{person.pk}/").status_code in (302, 403)
    assert Person.objects.filter(pk=person.pk).exists()
    page = client.get(f"/admin/membership/people/inspect/{person.pk}/").content.decode()
    assert "Erase this person" in page
    assert f"/admin/membership/people/delete/{person.pk}/" not in page
    for model in (Subscription, Donation):
        record = model.objects.get(person=person)
        prefix = PREFIXES[model]
        assert client.post(f"{prefix}delete/{record.pk}/").status_code in (302, 403)
        assert model.objects.filter(pk=record.pk).exists()


def test_a_list_page_is_logged_as_the_records_it_shows(client, world):
    for n in range(24):
        PersonFactory(email=f"crowd-{n}@example.org", branch=world["branches"]["middleton"])
    user = world["users"]["secretary"]
    sign_in_verified(client, user)
    first = client.get("/admin/membership/people/")
    page_size = len(listed_ids(first))
    client.get("/admin/membership/people/?p=2")
    logged = [e.count for e in AuditEntry.objects.filter(user=user, action="listed").order_by("pk")]
    assert logged == [page_size, 25 - page_size] and page_size < 25
