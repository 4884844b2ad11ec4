"""The reader's organising pages: the events diary, an event, a branch, a region, and every
page's sidebar — what they show, and how many queries they cost."""

import datetime
import json

import pytest
from django.utils import timezone

from clarion.newsroom.tests.factories import TopicFactory
from clarion.newsroom.tests.helpers import get_ok, measure, soup, text

from .factories import BranchFactory, EventFactory, OrganiserFactory, RegionFactory, kind

pytestmark = pytest.mark.django_db

EVENTS_LIST_QUERIES = 18
EVENT_PAGE_QUERIES = 17
BRANCH_PAGE_QUERIES = 17
REGION_PAGE_QUERIES = 18


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def days_ahead(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def rows(response):
    return [text(row) for row in soup(response).select(".event-row")]


def json_ld_event(response):
    for script in soup(response).select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        if data.get("@type") == "Event":
            return data
    raise AssertionError("no schema.org Event on the page")


def test_coming_events_soonest_first_and_past_ones_on_their_own_tab(client):
    later = EventFactory(title="Rally at the square", start_date=days_ahead(9))
    sooner = EventFactory(
        title="Picket of the depot", start_date=days_ahead(2), kind=kind("picket")
    )
    EventFactory(title="Last month's hearing", start_date=days_ahead(-30))
    listed = rows(get_ok(client, "/events/"))
    assert [later.title in r for r in listed] == [False, True]
    assert sooner.title in listed[0] and "Picket" in listed[0]
    past = rows(get_ok(client, "/events/past/"))
    assert len(past) == 1 and "Last month's hearing" in past[0]


def test_filters_by_region_kind_branch_topic_and_dates(client):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    mill_town = BranchFactory(name="Mill Town", region=north)
    housing = TopicFactory(name="Housing")
    EventFactory(title="North meeting", branch=mill_town, start_date=days_ahead(3))
    EventFactory(
        title="South protest", region=south, kind=kind("protest"), start_date=days_ahead(4)
    )
    EventFactory(title="Housing hearing", topics=[housing], start_date=days_ahead(20))

    def titles(query):
        return rows(get_ok(client, f"/events/?{query}"))

    assert len(titles("region=north")) == 1 and "North meeting" in titles("region=north")[0]
    assert "South protest" in titles("kind=protest")[0] and len(titles("kind=protest")) == 1
    assert len(titles("branch=mill-town")) == 1
    assert len(titles("topic=housing")) == 1 and "Housing hearing" in titles("topic=housing")[0]
    end = days_ahead(10).isoformat()
    assert len(titles(f"end={end}")) == 2
    assert len(titles(f"start={days_ahead(10).isoformat()}")) == 1
    page = get_ok(client, "/events/?branch=mill-town")
    assert "Showing only: Mill Town" in text(soup(page).select_one(".narrowed"))


@pytest.mark.parametrize(
    "query, message",
    [
        ("region=atlantis", "There is no such region: “atlantis”."),
        ("kind=duel", "There is no such kind of event: “duel”."),
        ("start=yesterday", "Enter a valid date."),
        ("start=2026-05-02&end=2026-05-01", "The end date is before the start date."),
    ],
)
def test_bad_filters_get_a_message_not_an_error(client, query, message):
    EventFactory(title="Still listed", start_date=days_ahead(1))
    response = get_ok(client, f"/events/?{query}")
    assert message in text(soup(response).select_one(".filters"))
    assert any("Still listed" in r for r in rows(response))


def test_cancelled_event_stays_listed_and_marked(client):
    event = EventFactory(title="March on the ministry", start_date=days_ahead(5))
    event.status = event.Status.CANCELLED
    event.save()
    [row] = rows(get_ok(client, "/events/"))
    assert "Cancelled" in row
    page = get_ok(client, event.get_absolute_url())
    assert "will not take place" in text(soup(page).select_one(".notice"))
    assert json_ld_event(page)["eventStatus"] == "https://schema.org/EventCancelled"


def test_fortnightly_meeting_keeps_its_local_time_across_the_clock_change(client):
    """Listed on each date at 7.30pm, though the clocks went forward on 29 March 2026."""
    EventFactory(
        title="Branch meeting",
        start_date=datetime.date(2026, 3, 10),
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4",
    )
    past = soup(get_ok(client, "/events/past/"))
    days = [text(h) for h in past.select(".event-day__heading")]
    assert days == [
        "Tuesday 21 April 2026",
        "Tuesday 7 April 2026",
        "Tuesday 24 March 2026",
        "Tuesday 10 March 2026",
    ]
    times = [t["datetime"] for t in past.select(".event-row__when time")]
    assert times == [
        "2026-04-21T19:30:00+01:00",
        "2026-04-07T19:30:00+01:00",
        "2026-03-24T19:30:00+00:00",
        "2026-03-10T19:30:00+00:00",
    ]
    assert all(text(t) == "7.30pm" for t in past.select(".event-row__when time"))


def test_times_show_on_the_events_own_clock_with_its_zone_named(client):
    almaty = EventFactory(
        title="Press conference in Almaty",
        start_date=days_ahead(6),
        start_time=datetime.time(11, 0),
        end_time=datetime.time(12, 30),
        time_zone="Asia/Almaty",
        kind=kind("press-conference"),
    )
    london = EventFactory(title="London picket", start_date=days_ahead(6))
    page = soup(get_ok(client, almaty.get_absolute_url()))
    when = text(page.select_one(".event__facts dd"))
    assert "11am–12.30pm (Almaty time)" in when
    assert json_ld_event(get_ok(client, almaty.get_absolute_url()))["startDate"].endswith("+05:00")
    london_when = text(
        soup(get_ok(client, london.get_absolute_url())).select_one(".event__facts dd")
    )
    assert london_when.endswith("7.30pm–9pm")


def test_event_page_offers_its_calendar_and_describes_repeats(client):
    branch = BranchFactory(name="Riverside")
    meeting = EventFactory(
        title="Riverside branch meeting",
        branch=branch,
        start_date=days_ahead(-14),
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=" + WEEKDAYS[days_ahead(-14).weekday()],
    )
    response = get_ok(client, meeting.get_absolute_url())
    page = soup(response)
    assert "Every second week on" in text(page.select_one(".event__facts"))
    assert len(page.select(".event h2 + .dated-list li")) == 8
    add = page.find("a", string="Add to calendar")
    assert add["href"] == f"/events/{meeting.slug}.ics"
    alternates = [link["href"] for link in page.select('link[type="text/calendar"]')]
    assert f"/events/{meeting.slug}.ics" in alternates
    data = json_ld_event(response)
    assert (
        data["startDate"] >= timezone.localtime().isoformat()[:10]
    )  # the next date, not the first
    assert data["organizer"]["name"] == "Riverside"


def test_unknown_event_is_a_404(client):
    assert client.get("/events/no-such-event/").status_code == 404


def test_sidebar_lists_coming_meetings_and_regional_organisers(client):
    north = RegionFactory(name="North East")
    OrganiserFactory(region=north, phone="0191 000 1111", in_contact_block=True)
    OrganiserFactory(region=north, phone="0191 000 2222", in_contact_block=False)
    tyneside = BranchFactory(name="Tyneside", region=north)
    EventFactory(title="What we stand for", branch=tyneside, start_date=days_ahead(3))
    sidebar = soup(get_ok(client, "/"))
    meetings = sidebar.select_one('[aria-labelledby="sb-meetings"]')
    day = days_ahead(3)
    assert text(meetings.select_one("li")) == f"{day.day} {day:%b} Tyneside: What we stand for"
    assert meetings.select_one(".more a")["href"] == "/events/"
    contact = sidebar.select_one('[aria-labelledby="sb-contact"]')
    assert contact.select_one(".organisers").get_text(" ", strip=True) == "North East 0191 000 1111"
    assert contact.find("a", string=lambda s: s and "nearest" in s)["href"] == "/branches/"


def test_new_event_reaches_the_sidebar_at_once(client):
    get_ok(client, "/")
    EventFactory(title="Emergency protest", start_date=days_ahead(1))
    assert "Emergency protest" in text(soup(get_ok(client, "/")).select_one(".sidebar"))


def test_branch_page_shows_next_meetings_and_contacts(client):
    branch = BranchFactory(name="Harbourside", contact_phone="0700 123 456")
    OrganiserFactory(branch=branch, region=None, role="Branch secretary", name="Ada Lovell")
    EventFactory(title="Harbourside meeting", branch=branch, start_date=days_ahead(2))
    EventFactory(title="Another branch's meeting", start_date=days_ahead(2))
    page = soup(get_ok(client, "/branches/harbourside/"))
    assert [text(r) for r in page.select(".event-row")][0].endswith(
        "Harbourside meeting Branch meeting · Harbourside · Trades Hall"
    )
    assert len(page.select(".event-row")) == 1
    facts = page.select_one(".event__facts").get_text(" ", strip=True)
    assert "Branch secretary Ada Lovell" in facts and "0700 123 456" in facts
    branch.active = False
    branch.save()
    assert client.get("/branches/harbourside/").status_code == 404


def test_region_page_lists_branches_organisers_and_events(client):
    region = RegionFactory(name="Valleys")
    BranchFactory(name="Upper Valley", region=region)
    BranchFactory(name="Closed Valley", region=region, active=False)
    OrganiserFactory(region=region, name="Bryn Morgan")
    EventFactory(title="Valleys day school", region=region, start_date=days_ahead(8))
    page = soup(get_ok(client, "/branches/regions/valleys/"))
    assert [text(li) for li in page.select(".branch-list li")] == [
        "Upper Valley Every second Tuesday, 7.30pm"
    ]
    assert "Bryn Morgan" in text(page.select_one(".event__facts"))
    assert "Valleys day school" in text(page.select_one(".event-rows"))


def test_events_list_query_budget_does_not_grow_with_events(client, django_assert_max_num_queries):
    housing = TopicFactory(name="Housing")
    branch = BranchFactory()
    for n in range(3):
        EventFactory(branch=branch, topics=[housing], start_date=days_ahead(n + 1))
    few, _ = measure(client, "/events/", django_assert_max_num_queries, EVENTS_LIST_QUERIES)
    for n in range(30):
        EventFactory(branch=BranchFactory(), start_date=days_ahead(n + 1))
    many, response = measure(client, "/events/", django_assert_max_num_queries, EVENTS_LIST_QUERIES)
    assert len(rows(response)) == 20
    assert many == few
    filtered, _ = measure(
        client,
        "/events/?topic=housing&region=" + branch.region.slug,
        django_assert_max_num_queries,
        EVENTS_LIST_QUERIES + 2,
    )


def test_branch_region_and_event_page_query_budgets(client, django_assert_max_num_queries):
    branch = BranchFactory(name="Budget")
    OrganiserFactory.create_batch(3, branch=branch, region=None)
    event = EventFactory(
        branch=branch,
        topics=[TopicFactory(), TopicFactory()],
        start_date=days_ahead(-7),
        recurrence="FREQ=WEEKLY",
    )
    measure(client, "/branches/budget/", django_assert_max_num_queries, BRANCH_PAGE_QUERIES)
    measure(
        client, branch.region.get_absolute_url(), django_assert_max_num_queries, REGION_PAGE_QUERIES
    )
    measure(client, event.get_absolute_url(), django_assert_max_num_queries, EVENT_PAGE_QUERIES)
