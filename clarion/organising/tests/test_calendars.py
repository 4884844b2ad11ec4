"""The iCalendar feeds of the events diary, read back as a calendar program reads them: parsed
with `icalendar`, repeats expanded with `recurring_ical_events`."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.utils import timezone
from icalendar import Calendar

from clarion.core.content_version import clear_caches
from clarion.newsroom.tests.helpers import get_ok, measure
from clarion.organising.models import Event

from .factories import BranchFactory, EventFactory, OrganiserFactory, RegionFactory, kind

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")

# Queries for the all-events feed with a cold cache, however many events it carries: content
# version 1, site 1, the events (with their kinds and organisers) 1, paper settings 1, where
# /events/ and /branches/ are (for each event's address) 1, site root paths 1.
FEED_QUERIES = 6


def days_ahead(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def as_entered(**fields):
    """An event saved as the admin saves it: clean() first, which writes the repeat rule's
    UNTIL in UTC and tidies the exception dates."""
    event = EventFactory.build(**fields)
    event.clean()
    event.save()
    return event


def fetch(client, url):
    """The calendar at `url`, parsed; fails unless it is served as iCalendar."""
    response = get_ok(client, url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(calendar):
    return {str(component["UID"]): component for component in calendar.walk("VEVENT")}


def titles(calendar):
    return sorted(str(component["SUMMARY"]) for component in calendar.walk("VEVENT"))


def expand(calendar, event, start, end):
    """The event's occurrences from `start` to `end` (dates), as a calendar program shows them."""
    found = recurring_ical_events.of(calendar).between(start, end)
    return [component for component in found if str(component["UID"]) == str(event.uid)]


def next_spring_clock_change():
    """The next last Sunday of March, when the UK's clocks go forward."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        end_of_march = datetime.date(year, 3, 31)
        change = end_of_march - datetime.timedelta(days=(end_of_march.weekday() + 1) % 7)
        if change > today:
            return change
    raise AssertionError("unreachable")


def offset_by_vtimezone(calendar, name, local):
    """The UTC offset at naive local time `local` by the calendar's own VTIMEZONE, as a program
    without time zone data of its own works it out."""
    [zone] = [tz for tz in calendar.timezones if tz.tz_name == name]
    return zone.to_tz(lookup_tzid=False).utcoffset(local)


# Repeats -------------------------------------------------------------------------------------


def test_fortnightly_meeting_keeps_its_local_time_across_the_clock_change(client):
    change = next_spring_clock_change()
    first = change - datetime.timedelta(days=40)  # a Tuesday; the fourth meeting is after
    skipped = first + datetime.timedelta(weeks=2)
    meeting = as_entered(
        title="Branch meeting",
        start_date=first,
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6",
        exceptions=skipped.isoformat(),
    )
    calendar = fetch(client, "/events/calendar.ics")

    component = vevents(calendar)[str(meeting.uid)]
    assert component["DTSTART"].params["TZID"] == "Europe/London"
    assert component.decoded("DTSTART") == datetime.datetime.combine(
        first, datetime.time(19, 30), LONDON
    )
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]

    found = expand(calendar, meeting, first, first + datetime.timedelta(days=365))
    starts = [component.decoded("DTSTART") for component in found]
    assert len(starts) == 5  # COUNT=6, less the one skipped
    assert skipped not in [start.date() for start in starts]
    assert {start.astimezone(LONDON).time() for start in starts} == {datetime.time(19, 30)}
    assert all(start.weekday() == 1 for start in starts)
    utc_hours = [start.astimezone(UTC).hour for start in starts]
    assert utc_hours == sorted(utc_hours, reverse=True) and set(utc_hours) == {19, 18}
    # The calendar program shows the dates the diary lists.
    assert [start.astimezone(UTC) for start in starts] == list(
        meeting.occurrences.values_list("starts_at", flat=True)
    )
    ends = {component.decoded("DTEND").astimezone(LONDON).time() for component in found}
    assert ends == {datetime.time(21, 0)}
    for start in starts:
        local = start.astimezone(LONDON).replace(tzinfo=None)
        assert offset_by_vtimezone(calendar, "Europe/London", local) == start.utcoffset()


def test_repeats_stop_at_the_until_date(client):
    first = days_ahead(7)
    last = first + datetime.timedelta(weeks=3)
    weekly = as_entered(
        title="Weekly stall",
        start_date=first,
        start_time=datetime.time(11, 0),
        end_time=datetime.time(13, 0),
        recurrence=f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}",  # as an editor types it
    )
    calendar = fetch(client, "/events/calendar.ics")

    rule = vevents(calendar)[str(weekly.uid)]["RRULE"].to_ical().decode()
    assert "UNTIL=" in rule and rule.split("UNTIL=")[1].split(";")[0].endswith("Z")
    found = expand(calendar, weekly, first, first + datetime.timedelta(days=365))
    dates = [component.decoded("DTSTART").date() for component in found]
    assert dates == [first + datetime.timedelta(weeks=n) for n in range(4)]
    assert dates[-1] == last


def test_all_day_events_are_whole_days(client):
    start = days_ahead(10)
    camp = as_entered(
        title="Summer camp",
        all_day=True,
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        start_time=None,
        end_time=None,
    )
    last = start + datetime.timedelta(days=28)
    stalls = as_entered(
        title="Market stall",
        all_day=True,
        start_date=start,
        start_time=None,
        end_time=None,
        recurrence=f"FREQ=WEEKLY;UNTIL={last:%Y%m%d}",
        exceptions=(start + datetime.timedelta(days=7)).isoformat(),
    )
    response = get_ok(client, "/events/calendar.ics")
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in response.content.decode()
    calendar = Calendar.from_ical(response.content)

    component = vevents(calendar)[str(camp.uid)]
    assert component["DTSTART"].params["VALUE"] == "DATE"
    assert component.decoded("DTSTART") == start
    assert component.decoded("DTEND") == start + datetime.timedelta(days=2)  # the day after
    repeating = vevents(calendar)[str(stalls.uid)]
    assert repeating["EXDATE"].params["VALUE"] == "DATE"
    assert f"UNTIL={last:%Y%m%d};" in repeating["RRULE"].to_ical().decode() + ";"
    found = expand(calendar, stalls, start, start + datetime.timedelta(days=365))
    assert [component.decoded("DTSTART") for component in found] == [
        start + datetime.timedelta(weeks=n) for n in (0, 2, 3, 4)
    ]
    assert not calendar.timezones  # whole days need no time zone


def test_event_in_almaty_carries_its_own_time_zone(client):
    rally = EventFactory(
        title="Митинг в Алматы",
        start_date=days_ahead(20),
        start_time=datetime.time(18, 0),
        end_time=datetime.time(20, 0),
        time_zone="Asia/Almaty",
    )
    response = get_ok(client, "/events/calendar.ics")
    assert f"DTSTART;TZID=Asia/Almaty:{days_ahead(20):%Y%m%d}T180000" in response.text
    calendar = Calendar.from_ical(response.content)

    local = datetime.datetime.combine(days_ahead(20), datetime.time(18, 0))
    offset = ZoneInfo("Asia/Almaty").utcoffset(local)
    assert offset_by_vtimezone(calendar, "Asia/Almaty", local) == offset
    [occurrence] = expand(calendar, rally, days_ahead(19), days_ahead(22))
    assert occurrence.decoded("DTSTART").astimezone(UTC) == rally.starts_at
    assert str(occurrence["SUMMARY"]) == "Митинг в Алматы"


# What each event says ------------------------------------------------------------------------


def test_event_carries_its_details_and_links_to_its_page(client):
    organiser = OrganiserFactory(name="Jo Bloggs", email="jo@example.org")
    rally = EventFactory(
        title="Rally for the hospital",
        kind=kind("protest"),
        start_date=days_ahead(5),
        description="Bring banners.",
        venue="Town Hall steps",
        address="1 Albert Square, Manchester",
        latitude=53.479,
        longitude=-2.245,
        organiser=organiser,
    )
    no_email = EventFactory(
        title="Social", start_date=days_ahead(6), organiser=OrganiserFactory(name="Sam", email="")
    )
    events = vevents(fetch(client, "/events/calendar.ics"))

    component = events[str(rally.uid)]
    page = f"http://testserver/events/{rally.slug}/"
    assert str(component["SUMMARY"]) == "Rally for the hospital"
    assert str(component["URL"]) == page
    assert str(component["DESCRIPTION"]) == f"Bring banners.\n\n{page}"
    assert str(component["LOCATION"]) == "Town Hall steps, 1 Albert Square, Manchester"
    assert (component["GEO"].latitude, component["GEO"].longitude) == (53.479, -2.245)
    assert component["CATEGORIES"].cats == ["Protest"]
    assert str(component["ORGANIZER"]) == "mailto:jo@example.org"
    assert component["ORGANIZER"].params["CN"] == "Jo Bloggs"
    assert str(component["STATUS"]) == "CONFIRMED"
    assert component.decoded("LAST-MODIFIED") == rally.updated_at.replace(microsecond=0)
    assert component.decoded("CREATED") == rally.created_at.replace(microsecond=0)
    assert "DTSTAMP" in component

    other = events[str(no_email.uid)]
    assert other["ORGANIZER"].params["CN"] == "Sam"
    assert not str(other["ORGANIZER"]).startswith("mailto:")
    assert "GEO" not in other and str(other["LOCATION"]) == "Trades Hall"


def test_cancelled_and_postponed_events_stay_with_their_status(client):
    cancelled = EventFactory(
        title="March to the depot", start_date=days_ahead(3), status=Event.Status.CANCELLED
    )
    postponed = EventFactory(
        title="Public meeting", start_date=days_ahead(4), status=Event.Status.POSTPONED
    )
    events = vevents(fetch(client, "/events/calendar.ics"))

    assert str(events[str(cancelled.uid)]["STATUS"]) == "CANCELLED"
    assert str(events[str(cancelled.uid)]["SUMMARY"]) == "Cancelled: March to the depot"
    assert str(events[str(postponed.uid)]["STATUS"]) == "TENTATIVE"
    assert str(events[str(postponed.uid)]["SUMMARY"]) == "Postponed: Public meeting"


def test_uid_stays_the_same_across_fetches_and_edits(client):
    meeting = EventFactory(
        title="Branch meeting", start_date=days_ahead(8), recurrence="FREQ=WEEKLY"
    )
    first = vevents(fetch(client, "/events/calendar.ics"))
    clear_caches()  # written again, not the stored copy
    second = vevents(fetch(client, "/events/calendar.ics"))
    assert list(first) == list(second) == [str(meeting.uid)]
    before = first[str(meeting.uid)]["SEQUENCE"]

    meeting.title = "Branch meeting (new venue)"
    meeting.start_time = datetime.time(19, 0)
    meeting.save()
    after = vevents(fetch(client, "/events/calendar.ics"))[str(meeting.uid)]
    assert str(after["SUMMARY"]) == "Branch meeting (new venue)"
    assert after.decoded("DTSTART").time() == datetime.time(19, 0)
    assert after["SEQUENCE"] == before + 1
    single = vevents(fetch(client, f"/events/{meeting.slug}.ics"))
    assert list(single) == [str(meeting.uid)]


# Which events, in which feed -----------------------------------------------------------------


def test_each_feed_has_its_own_events_and_the_whole_diary_has_all(client):
    north_west, south = RegionFactory(name="North West"), RegionFactory(name="South")
    salford = BranchFactory(name="Salford", region=north_west)
    other_branch = BranchFactory(name="Bolton", region=north_west)
    EventFactory(title="Salford meeting", branch=salford, start_date=days_ahead(2))
    EventFactory(title="Bolton meeting", branch=other_branch, start_date=days_ahead(3))
    EventFactory(
        title="Regional picket", region=north_west, kind=kind("picket"), start_date=days_ahead(4)
    )
    EventFactory(
        title="South protest", region=south, kind=kind("protest"), start_date=days_ahead(5)
    )

    region = fetch(client, "/events/region/north-west.ics")
    assert titles(region) == ["Bolton meeting", "Regional picket", "Salford meeting"]
    assert str(region["X-WR-CALNAME"]) == "The Clarion: events in North West"
    branch = fetch(client, "/events/branch/salford.ics")
    assert titles(branch) == ["Salford meeting"]
    assert str(branch["X-WR-CALNAME"]) == "The Clarion: Salford events"
    assert titles(fetch(client, "/events/kind/protest.ics")) == ["South protest"]
    assert titles(fetch(client, "/events/kind/picket.ics")) == ["Regional picket"]
    everything = fetch(client, "/events/calendar.ics")
    assert len(titles(everything)) == 4
    assert str(everything["X-WR-CALNAME"]) == "The Clarion: events"


@pytest.mark.parametrize(
    "url",
    [
        "/events/region/nowhere.ics",
        "/events/branch/nowhere.ics",
        "/events/kind/nowhere.ics",
        "/events/topic/housing.ics",
        "/events/no-such-event.ics",
    ],
)
def test_unknown_calendar_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_feeds_carry_coming_repeating_and_recent_events_not_old_ones(client):
    EventFactory(title="Next week", start_date=days_ahead(7))
    # Within the feed's recent 30 days whatever the time of day the test runs at (an event
    # 30 days back has ended before "now less 30 days" by the evening).
    EventFactory(title="Three weeks ago", start_date=days_ahead(-21))
    EventFactory(title="Last year", start_date=days_ahead(-200))
    as_entered(
        title="Weekly since two years ago", start_date=days_ahead(-730), recurrence="FREQ=WEEKLY"
    )
    as_entered(
        title="Weekly until last year",
        start_date=days_ahead(-730),
        recurrence=f"FREQ=WEEKLY;UNTIL={days_ahead(-365):%Y%m%d}",
    )
    assert titles(fetch(client, "/events/calendar.ics")) == [
        "Next week",
        "Three weeks ago",
        "Weekly since two years ago",
    ]


def test_one_event_file_has_that_event_alone(client):
    old = EventFactory(title="Founding conference", start_date=days_ahead(-400))
    EventFactory(title="Something else", start_date=days_ahead(1))
    response = get_ok(client, f"/events/{old.slug}.ics")
    assert response["Content-Disposition"] == f'inline; filename="{old.slug}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert titles(calendar) == ["Founding conference"]  # past events still have their file
    assert str(calendar["X-WR-CALNAME"]) == "The Clarion: Founding conference"


# The feed as a calendar program subscribes to it ---------------------------------------------


def test_feed_is_a_public_calendar_that_asks_to_be_refreshed_hourly(client):
    event = EventFactory(start_date=days_ahead(3), region=RegionFactory(name="North West"))
    changed = (timezone.now() - datetime.timedelta(hours=1)).replace(microsecond=0)
    Event.objects.filter(pk=event.pk).update(updated_at=changed)
    response = get_ok(client, "/events/region/north-west.ics")
    assert response["Content-Disposition"] == 'inline; filename="events-region-north-west.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    assert str(calendar["CALSCALE"]) == "GREGORIAN" and str(calendar["METHOD"]) == "PUBLISH"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.text
    assert "X-PUBLISHED-TTL:PT1H" in response.text
    assert "public" in response["Cache-Control"]
    # Stamped with when the event last changed, not when it was fetched…
    [component] = calendar.walk("VEVENT")
    assert component.decoded("DTSTAMP") == changed == component.decoded("LAST-MODIFIED")

    # …so written again later it is the same calendar, and a program polling for it gets a 304.
    clear_caches()
    again = get_ok(client, "/events/region/north-west.ics")
    assert again.content == response.content and again["ETag"] == response["ETag"]
    conditional = client.get("/events/region/north-west.ics", HTTP_IF_NONE_MATCH=again["ETag"])
    assert conditional.status_code == 304


def test_feed_query_budget_does_not_grow_with_events(client, django_assert_max_num_queries):
    regions = [RegionFactory(), RegionFactory()]

    def add_events(count):
        for n in range(count):
            EventFactory(
                start_date=days_ahead(n % 20 - 5),
                branch=BranchFactory(region=regions[n % 2]) if n % 3 else None,
                organiser=OrganiserFactory(region=regions[n % 2]) if n % 2 else None,
                kind=kind(["protest", "picket", "social"][n % 3]),
                time_zone=["Europe/London", "Asia/Almaty"][n % 2],
                recurrence="FREQ=WEEKLY;INTERVAL=2" if n % 4 == 0 else "",
            )

    add_events(3)
    few, response = measure(
        client, "/events/calendar.ics", django_assert_max_num_queries, FEED_QUERIES
    )
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 3
    add_events(27)
    many, response = measure(
        client, "/events/calendar.ics", django_assert_max_num_queries, FEED_QUERIES
    )
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 30
    assert many == few


def test_a_full_feed_keeps_the_repeating_meetings_and_the_soonest_events(client, monkeypatch):
    from clarion.organising import calendars

    monkeypatch.setattr(calendars, "MAX_FEED_EVENTS", 3)
    meeting = EventFactory(
        title="Weekly meeting", start_date=days_ahead(-60), recurrence="FREQ=WEEKLY"
    )
    soon = EventFactory(title="Soon", start_date=days_ahead(2))
    sooner = EventFactory(title="Sooner", start_date=days_ahead(1))
    EventFactory(title="Far off", start_date=days_ahead(90))
    kept = vevents(fetch(client, "/events/calendar.ics"))
    assert set(kept) == {str(meeting.uid), str(sooner.uid), str(soon.uid)}
