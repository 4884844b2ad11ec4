"""schema.org `Event` data for an event's page, the form search engines and calendar apps
read: status, local times with their offset, place with address and coordinates."""

from clarion.core.models import PaperSettings
from clarion.discovery.structured_data import organization

EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "postponed": "https://schema.org/EventPostponed",
    "cancelled": "https://schema.org/EventCancelled",
}


def event_structured_data(event, request, occurrence=None):
    """The event's next (or only) date: `occurrence` when given, else its first date."""
    start, end = event.local_times(occurrence)
    date_only = "%Y-%m-%d"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "startDate": start.strftime(date_only) if event.all_day else start.isoformat(),
        "endDate": end.strftime(date_only) if event.all_day else end.isoformat(),
        "eventStatus": EVENT_STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place(event),
    }
    paper = PaperSettings.for_request(request)
    data["organizer"] = organization(paper.organisation_name or paper.paper_name)
    if event.description:
        data["description"] = event.description
    if event.branch:
        data["organizer"] = organization(
            event.branch.name, request.build_absolute_uri(event.branch.get_absolute_url())
        )
    return data


def place(event):
    location = {"@type": "Place", "name": event.venue or event.address or "To be announced"}
    if event.address:
        location["address"] = {"@type": "PostalAddress", "streetAddress": event.address}
    if event.latitude is not None:
        location["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": event.latitude,
            "longitude": event.longitude,
        }
    return location
