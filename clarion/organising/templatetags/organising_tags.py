"""Dates and times as the paper prints them, and the organising parts of every page's
sidebar: coming meetings and the contact block."""

import datetime

from django import template
from django.conf import settings
from django.utils.dateformat import format as date_format

from clarion.organising.models import (
    BranchIndexPage,
    EventIndexPage,
    Occurrence,
    events_path,
    index_path,
)
from clarion.organising.views import minute_now, regional_organisers

register = template.Library()

SIDEBAR_MEETINGS = 6


@register.filter
def clock(moment):
    """'7.30pm', '7pm', '12 noon': the paper's way with times."""
    if moment is None:
        return ""
    if moment.hour == 12 and moment.minute == 0:
        return "12 noon"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}.{moment.minute:02d}{suffix}"


@register.filter
def zone_label(moment):
    """'' when `moment` is on the paper's own clock; else its zone ('Almaty time'), so a
    reader is never left guessing whose 7.30pm it is."""
    zone = getattr(moment.tzinfo, "key", None)
    if zone is None or zone == settings.TIME_ZONE:
        return ""
    return f"{zone.rsplit('/', 1)[-1].replace('_', ' ')} time"


@register.inclusion_tag("organising/includes/when.html")
def when(event, occurrence=None):
    """An event's day and times on its own clock ('Tuesday 10 March 2026, 7.30pm–9pm')."""
    start, end = event.local_times(occurrence)
    last_day = (end - datetime.timedelta(days=1)).date() if event.all_day else end.date()
    return {"event": event, "start": start, "end": end, "last_day": last_day}


@register.simple_tag
def day_heading(day):
    return date_format(day, "l j F Y")


@register.inclusion_tag("organising/includes/coming_meetings.html")
def coming_meetings():
    occurrences = Occurrence.objects.upcoming(minute_now()).for_listing()[:SIDEBAR_MEETINGS]
    return {"meetings": list(occurrences), "events_url": index_path(EventIndexPage, None)}


@register.inclusion_tag("organising/includes/contact_block.html")
def contact_block(paper):
    return {
        "paper": paper,
        "organisers": regional_organisers(),
        "locator_url": paper.locator_url or index_path(BranchIndexPage, None),
    }


@register.simple_tag
def events_url():
    return events_path()
