"""iCalendar (RFC 5545) feeds of the events diary, for calendar programs to subscribe to: every
event, a region's, a branch's or one kind's (/events/calendar.ics, /events/region/<slug>.ics…),
and one event's file to add it once (/events/<slug>.ics).

Each event is one VEVENT with its repeat rule, not one per date: the calendar program expands
the rule in the event's own time zone, so a fortnightly 7.30pm meeting stays at 7.30pm across
a clock change. UIDs come from the event's `uid` and never change, so a program that fetches
the feed again updates its copy of an event (its SEQUENCE goes up) rather than adding another.

A feed is the same for every reader and is read in a fixed number of queries; the page cache
and PublicCachingMiddleware make it public and answer conditional requests (ETag), so nothing
here sets caching headers. The output depends only on the events (DTSTAMP is when each was
last changed, not the time of the request), so a program polling hourly mostly gets a 304."""

import datetime

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from icalendar import Calendar, vCalAddress, vDuration, vRecur
from icalendar import Event as VEvent

from clarion.core.models import PaperSettings

from .models import Branch, Event, EventKind, Occurrence, Region
from .querysets import LONGEST_EVENT

# Events whose last date (so far) ended longer ago than this are left out of the feeds.
RECENT = datetime.timedelta(days=30)
# The most events one feed carries: repeating meetings and the soonest one-off events first.
# Measured at 20,000 events (docs/benchmarks.md), 5,000 made a 4.9 MB feed taking 4 s to
# build; a region's, branch's or kind's feed carries the rest.
MAX_FEED_EVENTS = 1000
# How often calendar programs are asked to fetch a feed again.
REFRESH = datetime.timedelta(hours=1)
# The time zone definitions (VTIMEZONE) cover this many years past the latest event's start.
TIME_ZONE_YEARS_AHEAD = 12

PRODID = "-//Clarion//Events diary//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
STATUS = {
    Event.Status.SCHEDULED: "CONFIRMED",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CANCELLED: "CANCELLED",
}
SCOPES = {"region": Region, "branch": Branch, "kind": EventKind}


@require_safe
def calendar_feed(request, scope, slug):
    """Every event (scope None), or a region's, branch's or kind's (scope "region", "branch"
    or "kind", with its slug): those still happening or repeating, and recent ones."""
    if scope is None:
        return calendar_response(request, feed_events(), "events", "events.ics")
    if scope not in SCOPES:
        raise Http404("There is no calendar of that kind.")
    chosen = get_object_or_404(SCOPES[scope], slug=slug)
    heading = f"events in {chosen.name}" if scope == "region" else f"{chosen.name} events"
    events = feed_events(**{scope: chosen})
    return calendar_response(request, events, heading, f"events-{scope}-{chosen.slug}.ics")


@require_safe
def single_event_calendar(request, slug):
    """One event, to add to a calendar once (the "Add to calendar" link on its page)."""
    event = get_object_or_404(Event.objects.select_related("kind", "organiser"), slug=slug)
    return calendar_response(request, [event], event.title, f"{event.slug}.ics")


def feed_events(**scope):
    """The events a feed carries, in one query: those with an occurrence ending after now
    less RECENT (coming ones, recent ones, and every meeting that still repeats), earliest
    first (so repeating meetings, then the soonest events), at most MAX_FEED_EVENTS;
    `scope` narrows them: region=, branch= or kind=.
    Now is taken to the minute, so the query is the same for a minute at a time."""
    now = timezone.now().replace(second=0, microsecond=0)
    since = now - RECENT
    # The start bound lets the database seek on the start index (nothing lasts longer).
    recent_dates = Occurrence.objects.filter(
        starts_at__gte=since - LONGEST_EVENT, ends_at__gt=since
    ).values("event_id")
    # An event's own first date counts too: a repeating event that begins further ahead than
    # its occurrences are built (`rebuild_occurrences`) has none yet.
    recent = Q(pk__in=recent_dates) | Q(starts_at__gte=since - LONGEST_EVENT, ends_at__gt=since)
    events = Event.objects.filter(recent, **scope).select_related("kind", "organiser")
    return list(events.order_by("starts_at", "pk")[:MAX_FEED_EVENTS])


def calendar_response(request, events, heading, filename):
    paper = PaperSettings.for_request(request)  # for_site(Site.find_for_request(request))
    calendar = build_calendar(request, events, f"{paper.paper_name}: {heading}")
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    response.headers["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def build_calendar(request, events, name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)  # RFC 7986's name for X-WR-CALNAME
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        calendar.add_component(vevent(request, event))
    if events:
        first = min(event.start_date for event in events)
        last = max(max(event.start_date for event in events), timezone.localdate())
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year, 1, 1),
            last_date=datetime.date(last.year + TIME_ZONE_YEARS_AHEAD, 1, 1),
        )
    return calendar


def vevent(request, event):
    """The event as one VEVENT: its first date, its repeat rule and the dates it skips, on
    its own time zone's clock (or as whole days)."""
    component = VEvent()
    url = request.build_absolute_uri(event.get_absolute_url())
    component.add("uid", str(event.uid))
    component.add("sequence", event.sequence)
    component.add("dtstamp", event.updated_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)

    start, end = event.local_times()  # wall-clock times in its zone
    if event.all_day:
        component.add("dtstart", start.date())
        component.add("dtend", end.date())  # the day after the last: exclusive
    else:
        component.add("dtstart", start)
        component.add("dtend", end)
    if event.recurrence:
        component.add("rrule", repeat_rule(event))
        for day in event.exception_dates():
            skipped = day if event.all_day else datetime.datetime.combine(day, start.timetz())
            component.add("exdate", skipped)

    # Some calendar programs show STATUS faintly or not at all: the title says it too.
    marked = {Event.Status.POSTPONED: "Postponed: ", Event.Status.CANCELLED: "Cancelled: "}
    component.add("summary", marked.get(event.status, "") + event.title)
    component.add("status", STATUS[event.status])
    component.add("description", "\n\n".join(part for part in (event.description, url) if part))
    component.add("url", url)
    location = ", ".join(part for part in (event.venue, event.address) if part)
    if location:
        component.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    component.add("categories", [event.kind.name])
    if event.organiser is not None:
        component.add("organizer", organizer(event.organiser, url))
    return component


def repeat_rule(event):
    """The stored rule (its UNTIL in UTC). An all-day event's UNTIL must be a date (RFC 5545
    3.3.10): the local date of that moment, which keeps the same last date."""
    rule = vRecur.from_ical(event.recurrence)
    if event.all_day and "UNTIL" in rule:
        rule["UNTIL"] = [until.astimezone(event.zone).date() for until in rule["UNTIL"]]
    return rule


def organizer(organiser, url):
    """ORGANIZER is an address (a URI): their email when they published one, otherwise the
    event's page, where their other contact details are."""
    address = vCalAddress(f"mailto:{organiser.email}" if organiser.email else url)
    address.params["CN"] = organiser.name
    return address
