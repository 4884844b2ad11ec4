"""Organisers keep events and branches current in the admin, through its real forms, and
see nothing else; what they type wrong gets a message on the form."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from clarion.newsroom.tests.helpers import soup, text
from clarion.organising.models import Event

from .factories import BranchFactory, EventFactory, kind

pytestmark = pytest.mark.django_db

ADD_EVENT = "/admin/snippets/organising/event/add/"


@pytest.fixture
def organiser_client(client, django_user_model):
    """A member of the 'Organisers' group the migrations create, and nothing more."""
    user = django_user_model.objects.create_user("secretary", password="a long pass phrase")
    user.groups.add(Group.objects.get(name="Organisers"))
    client.force_login(user)
    return client


def event_form(branch, **changes):
    data = {
        "title": "Branch meeting: the rent strike",
        "kind": kind().pk,
        "status": "scheduled",
        "start_date": "2026-03-10",
        "start_time": "19:30",
        "end_time": "21:00",
        "time_zone": "Europe/London",
        "recurrence": "RRULE:freq=weekly;interval=2;byday=TU;until=20260505",
        "exceptions": "2026-03-24",
        "venue": "Trades Hall",
        "branch": branch.pk,
        "description": "Plans for the month.",
    }
    return {**data, **changes}


def test_an_organiser_adds_a_fortnightly_meeting(organiser_client):
    branch = BranchFactory(name="Eastside")
    response = organiser_client.post(ADD_EVENT, event_form(branch))
    assert response.status_code == 302, text(
        soup(response).select_one(".error-message") or soup(response)
    )
    event = Event.objects.get()
    # The rule is stored as RFC 5545 wants it: upper case, UNTIL in UTC.
    assert event.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20260505T225959Z"
    assert event.region == branch.region
    starts = [o.local_start for o in event.occurrences.all()]
    assert [s.date() for s in starts] == [
        datetime.date(2026, 3, 10),
        datetime.date(2026, 4, 7),
        datetime.date(2026, 4, 21),
        datetime.date(2026, 5, 5),
    ]
    assert {(s.hour, s.minute) for s in starts} == {(19, 30)}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"recurrence": "FREQ=FORTNIGHTLY"}, "recurrence", "The repeat rule cannot be read"),
        ({"recurrence": "INTERVAL=2"}, "recurrence", "A repeat rule needs FREQ"),
        ({"recurrence": "FREQ=WEEKLY;UNTIL=soon"}, "recurrence", "is not a date like"),
        ({"exceptions": "next tuesday"}, "exceptions", "is not a date like 2026-12-24"),
        ({"start_time": ""}, "start_time", "Give a start time, or tick “all day”."),
        ({"end_time": "18:00"}, "end_time", "The end is not after the start."),
        ({"end_date": "2026-03-01"}, "end_date", "The end date is before the start date."),
        ({"end_date": "2026-06-01"}, "end_date", "An event lasts at most 31 days."),
    ],
)
def test_bad_event_input_is_explained_and_nothing_saved(organiser_client, changes, field, message):
    branch = BranchFactory()
    response = organiser_client.post(ADD_EVENT, event_form(branch, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()
    # What the organiser typed is still in the form.
    page = soup(response)
    assert page.select_one('input[name="title"]')["value"] == "Branch meeting: the rent strike"


def test_organisers_see_organising_and_not_the_newsroom(organiser_client):
    assert organiser_client.get("/admin/snippets/organising/branch/").status_code == 200
    assert organiser_client.get("/admin/snippets/organising/event/").status_code == 200
    assert organiser_client.get("/admin/snippets/newsroom/category/").status_code in (302, 403)
    assert organiser_client.get("/admin/settings/core/papersettings/").status_code in (302, 403)


def test_admin_event_list_filters_coming_and_past(admin_client):
    EventFactory(title="Coming rally", start_date=timezone.localdate() + datetime.timedelta(3))
    EventFactory(title="Old rally", start_date=datetime.date(2025, 1, 7))
    coming = admin_client.get("/admin/snippets/organising/event/?when=coming").content.decode()
    past = admin_client.get("/admin/snippets/organising/event/?when=past").content.decode()
    assert "Coming rally" in coming and "Old rally" not in coming
    assert "Old rally" in past and "Coming rally" not in past


def test_extend_events_carries_a_weekly_meeting_forward(settings):
    settings.CLARION_EVENTS_HORIZON_DAYS = 30
    meeting = EventFactory(start_date=timezone.localdate(), recurrence="FREQ=WEEKLY")
    finished = EventFactory(start_date=datetime.date(2024, 1, 2), recurrence="FREQ=WEEKLY;COUNT=3")
    assert 4 <= meeting.occurrences.count() <= 6
    settings.CLARION_EVENTS_HORIZON_DAYS = 100
    call_command("extend_events", "--no-progress")
    assert 14 <= meeting.occurrences.count() <= 16
    assert finished.occurrences.count() == 3
