"""The reader's pages of the organising app, routed by EventIndexPage and BranchIndexPage."""

import datetime

from django import forms
from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from clarion.core.pagination import paginate
from clarion.newsroom.models import Topic

from .locator import Point, locate, nearest_branches
from .models import Branch, Event, EventKind, Occurrence, Organiser, Region
from .structured_data import event_structured_data

EVENT_NEXT_DATES = 8
BRANCH_NEXT_MEETINGS = 5
REGION_NEXT_EVENTS = 8
LOCATOR_QUERY_MAX = 100


def minute_now():
    """Now, to the minute: lists of coming events are the same query (and the same cached
    count) for a minute at a time."""
    return timezone.now().replace(second=0, microsecond=0)


class SlugChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": "There is no such %(kind)s: “%(value)s”."}

    def __init__(self, queryset, kind, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)
        self.kind = kind

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"kind": self.kind, "value": value},
            ) from None


class EventFilterForm(forms.Form):
    """What a reader narrows the diary by. Region and kind are lists to choose from; branch
    and topic come from links on branch and topic pages (hundreds or thousands of them)."""

    region = SlugChoiceField(Region.objects.all(), "region", empty_label="All regions")
    kind = SlugChoiceField(EventKind.objects.all(), "kind of event", empty_label="All kinds")
    branch = SlugChoiceField(Branch.objects.all(), "branch", widget=forms.HiddenInput)
    topic = SlugChoiceField(Topic.objects.all(), "topic", widget=forms.HiddenInput)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def lookups(self):
        """The valid choices as queryset filters; an invalid one is left out (and its error
        shown on the form) rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data
        lookups = {name: data.get(name) for name in ("region", "kind", "branch", "topic")}
        zone = timezone.get_current_timezone()
        if data.get("start"):
            lookups["start"] = datetime.datetime.combine(data["start"], datetime.time(), zone)
        if data.get("end"):
            day_after = data["end"] + datetime.timedelta(days=1)
            lookups["end"] = datetime.datetime.combine(day_after, datetime.time(), zone)
        return lookups

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date.")
        return data

    def narrowed_by(self):
        """Branch and topic, named, for the 'showing only…' line (they have no field)."""
        data = getattr(self, "cleaned_data", {})
        return [data[name] for name in ("branch", "topic") if data.get(name)]


def event_list(request, page, past):
    form = EventFilterForm(request.GET or None)
    lookups = form.lookups() if form.is_bound else {}
    now = minute_now()
    occurrences = Occurrence.objects.past(now) if past else Occurrence.objects.upcoming(now)
    listing = paginate(request, occurrences.filtered(**lookups).for_listing())
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "organising/event_list.html",
        {
            "page": page,
            "self": page,
            "past": past,
            "form": form,
            "listing": listing,
            "days": group_by_day(listing.object_list),
            "filter_query": query.urlencode(),
            "calendar_scope": calendar_scope(lookups),
        },
    )


def group_by_day(occurrences):
    """[(date, [occurrence, …]), …] by the local date each event happens on."""
    days = []
    for occurrence in occurrences:
        day = occurrence.local_start.date()
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(occurrence)
    return days


def calendar_scope(lookups):
    """The calendar feed matching the list's one filter, if it has a feed of its own."""
    chosen = [(name, lookups.get(name)) for name in ("branch", "region", "kind")]
    chosen = [(name, value) for name, value in chosen if value is not None]
    return chosen[0] if len(chosen) == 1 else None


def event_page(request, page, slug):
    event = get_object_or_404(
        Event.objects.select_related("kind", "branch", "region", "organiser"), slug=slug
    )
    upcoming = list(event.occurrences.upcoming(minute_now())[:EVENT_NEXT_DATES])
    next_dates = upcoming if event.recurrence else []
    return TemplateResponse(
        request,
        "organising/event.html",
        {
            "page": page,
            "self": page,
            "event": event,
            "topics": list(event.topics.all()),
            "next_dates": next_dates,
            "structured_data": event_structured_data(
                event, request, upcoming[0] if upcoming and event.recurrence else None
            ),
        },
    )


def branch_page(request, page, slug):
    branch = get_object_or_404(Branch.objects.listed(), slug=slug)
    meetings = Occurrence.objects.upcoming(minute_now()).filter(event__branch=branch)
    return TemplateResponse(
        request,
        "organising/branch.html",
        {
            "page": page,
            "self": page,
            "branch": branch,
            "organisers": list(branch.organisers.all()),
            "meetings": list(meetings.for_listing()[:BRANCH_NEXT_MEETINGS]),
        },
    )


def region_page(request, page, slug):
    region = get_object_or_404(Region, slug=slug)
    events = Occurrence.objects.upcoming(minute_now()).filter(event__region=region)
    return TemplateResponse(
        request,
        "organising/region.html",
        {
            "page": page,
            "self": page,
            "region": region,
            "organisers": list(region.organisers.filter(branch__isnull=True)),
            "branches": list(region.branches.filter(active=True)),
            "events": list(events.for_listing()[:REGION_NEXT_EVENTS]),
        },
    )


def branch_locator(request, page):
    """/branches/?q=M5+4WT, ?q=Salford or ?lat=…&lon=… (from 'use my location'): the
    nearest branches and their next meetings. Anything unusable gets a message saying
    what to try, on the same page, with what the reader typed still in the box."""
    query = " ".join(request.GET.get("q", "").split())[:LOCATOR_QUERY_MAX]
    context = {"page": page, "self": page, "query": query}
    point, postcode, message, choices = None, None, None, []
    if "lat" in request.GET or "lon" in request.GET:
        point = read_point(request.GET.get("lat"), request.GET.get("lon"))
        if point is None:
            message = "Your location could not be read. Type your postcode or town instead."
    elif query:
        found = locate(query)
        point, postcode, choices = found.point, found.postcode, found.choices
        if found.place:
            context["place"] = found.place
        elif not choices:
            message = (
                f"We could not find “{query}”. Check the postcode, or type the name of your "
                "town or village."
            )
    if point is not None:
        nearby = nearest_branches(point, postcode)
        meetings = next_meetings([n.branch.pk for n in nearby])
        context["nearby"] = [(n, meetings.get(n.branch.pk)) for n in nearby]
        context["distance_unit"] = settings.CLARION_DISTANCE_UNIT
    context.update(message=message, choices=choices)
    if not (query or point or message):
        context["regions"] = regions_with_branch_counts()
    return TemplateResponse(request, "organising/branch_locator.html", context)


def read_point(latitude, longitude):
    try:
        point = Point(float(latitude), float(longitude))
    except (TypeError, ValueError):
        return None
    if not (-90 <= point.latitude <= 90 and -180 <= point.longitude <= 180):
        return None
    return point


def next_meetings(branch_ids):
    """{branch id: its next occurrence}, in one query."""
    coming = Occurrence.objects.next_per_branch(branch_ids, minute_now()).for_listing()
    return {occurrence.event.branch_id: occurrence for occurrence in coming}


def regions_with_branch_counts():
    return list(
        Region.objects.annotate(branch_count=Count("branches", filter=Q(branches__active=True)))
    )


def regional_organisers():
    """The contact block's 'regional organisers' list, every page."""
    return list(
        Organiser.objects.filter(in_contact_block=True, branch__isnull=True)
        .select_related("region")
        .order_by("region__sort_order", "region__name", "sort_order", "name")
    )
