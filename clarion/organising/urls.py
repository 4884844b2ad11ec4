"""Calendar feeds. They sit at fixed addresses beside the events diary, not among its page
routes: Wagtail serves only addresses ending in '/', and a subscribed calendar must keep
working if an editor renames the diary's page."""

from django.urls import path, re_path

from . import calendars

SLUG = r"(?P<slug>[-a-zA-Z0-9_]{1,200})"

urlpatterns = [
    path(
        "events/calendar.ics",
        calendars.calendar_feed,
        {"scope": None, "slug": None},
        name="calendar_feed",
    ),
    re_path(
        rf"^events/(?P<scope>region|branch|kind)/{SLUG}\.ics$",
        calendars.calendar_feed,
        name="scoped_calendar_feed",
    ),
    re_path(rf"^events/{SLUG}\.ics$", calendars.single_event_calendar, name="event_calendar"),
]
