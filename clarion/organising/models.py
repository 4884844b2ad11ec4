"""Organising: the regions and branches of the movement, the people to contact in them, their
events (with repeats), and the gazetteer that turns a postcode or town into a place on a map."""

import datetime
import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from clarion.core.content_version import remembered
from clarion.core.restrictions import CachedViewRestrictionsMixin
from clarion.newsroom.models import SluggedModel, unique_slug

from . import recurrence
from .querysets import LONGEST_EVENT, BranchQuerySet, OccurrenceQuerySet

# Addresses below /events/ and /branches/ that are routes, not an event's or branch's slug.
EVENT_ROUTES = frozenset({"past", "calendar"})
BRANCH_ROUTES = frozenset({"regions"})


@cache
def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"“{name}” is not a time zone name such as Europe/London.")


class Region(SluggedModel):
    """A region of the organisation ("North West", "Almaty region"): it groups branches and
    has organisers of its own."""

    description = models.TextField(blank=True, help_text="Shown on the region's page")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta(SluggedModel.Meta):
        ordering = ["sort_order", "name"]

    def get_absolute_url(self):
        return branch_url(f"regions/{self.slug}")


class Branch(SluggedModel):
    """A local branch: where it is (for the nearest-branch locator), what area it covers,
    when and where it meets, and what it says about itself."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="branches")
    latitude = models.FloatField(
        null=True, blank=True, help_text="Where the branch is, for the nearest-branch locator"
    )
    longitude = models.FloatField(null=True, blank=True)
    area = models.CharField(
        "area covered",
        max_length=300,
        blank=True,
        help_text="In words, e.g. 'Salford, Eccles and Swinton'",
    )
    postcode_prefixes = models.CharField(
        max_length=300,
        blank=True,
        help_text="Postcodes it covers, by their start, separated by commas, e.g. 'M5, M6, "
        "M30'. A reader whose postcode starts with one of them is shown this branch first.",
    )
    meeting_pattern = models.CharField(
        max_length=200, blank=True, help_text="e.g. 'Every second Tuesday, 7.30pm'"
    )
    venue = models.CharField("usual venue", max_length=300, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    description = models.TextField("public description", blank=True)
    active = models.BooleanField(
        default=True, help_text="Closed branches keep their history but are not listed"
    )

    objects = BranchQuerySet.as_manager()
    reserved_slugs = BRANCH_ROUTES

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("region")]),
        FieldPanel("slug"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("area"),
                FieldPanel("postcode_prefixes"),
            ],
            heading="Where",
        ),
        MultiFieldPanel([FieldPanel("meeting_pattern"), FieldPanel("venue")], heading="Meetings"),
        FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
        FieldPanel("description"),
        FieldPanel("active"),
    ]

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "branches"
        indexes = [models.Index(fields=["region", "name"], name="branch_region_name")]

    def clean(self):
        if self.slug in self.reserved_slugs:
            raise ValidationError({"slug": f"“{self.slug}” is kept for the list of regions."})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": "Latitude is between -90 and 90."})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": "Longitude is between -180 and 180."})

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Events filed under the branch follow it when it moves to another region.
            self.events.exclude(region=self.region_id).update(region=self.region_id)

    def get_absolute_url(self):
        return branch_url(self.slug)


class Organiser(models.Model):
    """A person to contact: a region's organiser, a branch secretary. Shown publicly, so only
    the contact details the person agreed to publish belong here."""

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True, help_text="e.g. 'Regional organiser'")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="organisers"
    )
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="organisers"
    )
    in_contact_block = models.BooleanField(
        "in every page's contact block",
        default=False,
        help_text="List this region's organiser, with phone, under 'Regional organisers'",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldRowPanel([FieldPanel("region"), FieldPanel("branch")]),
        FieldPanel("in_contact_block"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False) | models.Q(branch__isnull=False),
                name="organiser_has_region_or_branch",
            )
        ]

    def __str__(self):
        place = self.branch or self.region
        return f"{self.name} ({self.role}, {place})" if self.role else f"{self.name} ({place})"

    def save(self, *args, **kwargs):
        if self.branch_id:  # a branch's organiser belongs to its region
            self.region_id = self.branch.region_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.region_id is None and self.branch_id is None:
            raise ValidationError("Choose the region or the branch this organiser is for.")
        if self.in_contact_block and not (self.phone or self.email):
            raise ValidationError("The contact block needs a phone number or an email address.")


class EventKind(SluggedModel):
    """What sort of event: branch meeting, public meeting, protest, picket, court hearing,
    press conference, conference, social — an editable list."""

    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta(SluggedModel.Meta):
        ordering = ["sort_order", "name"]


class Event(ClusterableModel):
    """One event, or a repeating one (a branch's regular meeting). Its date and times are
    entered as they read on the local clock, in its own time zone; `starts_at`/`ends_at`
    hold the first occurrence in absolute time, and `Occurrence` rows each repeat."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="events")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)

    start_date = models.DateField()
    start_time = models.TimeField(null=True, blank=True, help_text="Empty for all day")
    end_date = models.DateField(null=True, blank=True, help_text="Empty: the same day")
    end_time = models.TimeField(null=True, blank=True)
    all_day = models.BooleanField(default=False)
    time_zone = models.CharField(
        max_length=64,
        default=settings.TIME_ZONE,
        choices=time_zone_choices,
        validators=[validate_time_zone],
    )
    recurrence = models.CharField(
        "repeats",
        max_length=300,
        blank=True,
        help_text="An iCalendar RRULE. Every second Tuesday: FREQ=WEEKLY;INTERVAL=2;BYDAY=TU. "
        "First Thursday of the month: FREQ=MONTHLY;BYDAY=1TH. Add ;UNTIL=20271231 to stop.",
    )
    exceptions = models.TextField(
        "except on",
        blank=True,
        help_text="Dates it does not happen, one per line, e.g. 2026-12-29",
    )

    venue = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="Filled in from the branch when there is one",
    )
    topics = ParentalManyToManyField("newsroom.Topic", blank=True, related_name="events")
    organiser = models.ForeignKey(
        Organiser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="Whom to contact about it",
    )

    starts_at = models.DateTimeField(editable=False, db_index=True)
    ends_at = models.DateTimeField(editable=False)
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Revision number for calendar programs"
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("kind")]),
        FieldPanel("slug"),
        FieldPanel("status"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
                FieldRowPanel([FieldPanel("all_day"), FieldPanel("time_zone")]),
                FieldPanel("recurrence"),
                FieldPanel("exceptions"),
            ],
            heading="When",
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading="Where",
        ),
        FieldRowPanel([FieldPanel("branch"), FieldPanel("region")]),
        FieldPanel("organiser"),
        FieldPanel("topics"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["branch", "starts_at"], name="event_branch_start")]

    def __str__(self):
        return f"{self.title} ({self.start_date:%d %b %Y})"

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_postponed(self):
        return self.status == self.Status.POSTPONED

    def local_start(self):
        """The first start, on the local clock, with the event's zone."""
        moment = datetime.datetime.combine(
            self.start_date, datetime.time() if self.all_day else self.start_time
        )
        return moment.replace(tzinfo=self.zone)

    def duration(self):
        """How long each occurrence lasts, as wall-clock time: a whole number of days for an
        all-day event; two hours for a timed one with no end given."""
        end_date = self.end_date or self.start_date
        if self.all_day:
            return datetime.timedelta(days=(end_date - self.start_date).days + 1)
        if self.end_time is None:
            return datetime.timedelta(hours=2)
        start = datetime.datetime.combine(self.start_date, self.start_time)
        return datetime.datetime.combine(end_date, self.end_time) - start

    def local_times(self, occurrence=None):
        """(start, end) on the event's own clock: of `occurrence`, or of its first date."""
        if occurrence is not None:
            return occurrence.local_start, occurrence.local_end
        start = self.local_start()
        return start, start + self.duration()

    def exception_dates(self):
        return recurrence.parse_exceptions(self.exceptions)

    def describe_recurrence(self):
        return recurrence.describe(self.recurrence)

    def clean(self):
        errors = {}
        if not self.all_day and self.start_time is None:
            errors["start_time"] = "Give a start time, or tick “all day”."
        if self.end_time is not None and self.all_day:
            errors["end_time"] = "An all-day event has no end time."
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date."
        if self.time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = "Choose a time zone from the list."
        if not errors and self.duration() <= datetime.timedelta(0):
            errors["end_time"] = "The end is not after the start."
        elif not errors and self.duration() > LONGEST_EVENT:
            errors["end_date"] = f"An event lasts at most {LONGEST_EVENT.days} days."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        try:
            self.recurrence = recurrence.clean_rule(self.recurrence, self.time_zone)
        except recurrence.RecurrenceError as problem:
            errors["recurrence"] = str(problem)
        try:
            dates = self.exception_dates()
            self.exceptions = "\n".join(d.isoformat() for d in dates)
        except recurrence.RecurrenceError as problem:
            errors["exceptions"] = str(problem)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """The first occurrence's absolute times, the branch's region and a fresh revision
        number are worked out here, and the occurrences rebuilt, in one transaction."""
        if not self.slug:
            self.slug = unique_slug(Event, self.title, EVENT_ROUTES)
        self.fill_in_times()
        if self.branch_id:
            self.region_id = Branch.objects.values_list("region_id", flat=True).get(
                pk=self.branch_id
            )
        if self.pk:
            self.sequence += 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.rebuild_occurrences()

    def rebuild_occurrences(self, horizon=None):
        """Replace this event's occurrences, up to `horizon` days from today (a year and a
        month by default; `clarion extend_events` moves it on daily)."""
        days = settings.CLARION_EVENTS_HORIZON_DAYS if horizon is None else horizon
        until = timezone.localdate() + datetime.timedelta(days=days)
        self.occurrences.all().delete()
        Occurrence.objects.bulk_create(
            Occurrence(event=self, starts_at=start, ends_at=end)
            for start, end in self.occurrence_times(until)
        )

    def fill_in_times(self):
        """The end date, when left empty, and the first occurrence's absolute start and end:
        what saving works out from the local date, times and zone."""
        if self.end_date is None and not self.all_day:
            self.end_date = (self.local_start() + self.duration()).date()
        start = self.local_start()
        self.starts_at = start.astimezone(datetime.UTC)
        self.ends_at = (start + self.duration()).astimezone(datetime.UTC)

    def occurrence_times(self, until):
        """(start, end) in UTC of every occurrence up to the date `until`."""
        duration = self.duration()
        starts = recurrence.local_starts(
            self.local_start(), self.recurrence, self.exception_dates(), until
        )
        return [
            (start.astimezone(datetime.UTC), (start + duration).astimezone(datetime.UTC))
            for start in starts
        ]

    def get_absolute_url(self):
        return event_url(self.slug)


class Occurrence(models.Model):
    """One time an event happens. Lists of coming and past events read these, so a repeating
    meeting shows on each of its dates without expanding rules on every request."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["starts_at"], name="occurrence_start"),
            models.Index(fields=["event", "starts_at"], name="occurrence_event_start"),
        ]

    def __str__(self):
        return f"{self.event.title} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.event.zone)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.event.zone)


def postcode_key(text):
    """A postcode as it is matched: upper case, no spaces ('m5 4wt' → 'M54WT')."""
    return "".join(text.split()).upper()


def covers_postcode(prefixes, key):
    """Whether a postcode (as `postcode_key`) starts with one of a branch's comma-separated
    `postcode_prefixes`."""
    return any(key.startswith(postcode_key(p)) for p in prefixes.split(",") if p.strip())


def place_key(text):
    """A town's name as it is matched: case and spacing ignored ('  saint   Petersburg')."""
    return " ".join(text.split()).casefold()


class Place(models.Model):
    """A postal code or a named place with its coordinates, from a GeoNames postal-code file
    (`clarion load-gazetteer`): what turns a reader's postcode or town into a point."""

    country_code = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=20)
    name = models.CharField(max_length=180)
    admin_name = models.CharField("region", max_length=100, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    postal_code_key = models.CharField(max_length=20, editable=False, db_index=True)
    name_key = models.CharField(max_length=180, editable=False, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "postal_code", "name"], name="place_unique"
            )
        ]

    def __str__(self):
        return f"{self.postal_code} {self.name}".strip()

    def save(self, *args, **kwargs):
        self.postal_code_key = postcode_key(self.postal_code)
        self.name_key = place_key(self.name)
        super().save(*args, **kwargs)


# -- Pages --------------------------------------------------------------------------------


def index_path(page_class, default):
    """Where the site's events diary or branch list lives (its slug is the editor's): both
    are read in one query once per content version and kept in the process, as every event
    and branch link on a page asks. `default` when there is none yet."""
    paths = remembered("organising-index-paths", find_index_paths)
    return paths.get(page_class.__name__) or default


def find_index_paths():
    pages = Page.objects.live().type(EventIndexPage, BranchIndexPage).specific(defer=True)
    return {type(page).__name__: page.get_url() for page in pages}


def events_path():
    return index_path(EventIndexPage, "/events/")


def branches_path():
    return index_path(BranchIndexPage, "/branches/")


def event_url(slug):
    return f"{events_path()}{slug}/"


def branch_url(slug):
    return f"{branches_path()}{slug}/"


class OrganisingIndexPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """What the events diary and the branch list share: an intro, and one of each per site,
    directly under home."""

    intro = models.CharField(max_length=500, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        abstract = True


class EventIndexPage(OrganisingIndexPage):
    """The events diary (/events/): coming and past events with filters, and each event's
    page. One per site, directly under home. (Its calendar feeds are in urls.py.)"""

    @path("")
    def upcoming(self, request):
        from .views import event_list

        return event_list(request, self, past=False)

    @path("past/")
    def past(self, request):
        from .views import event_list

        return event_list(request, self, past=True)

    @path("<slug:slug>/")
    def event(self, request, slug):
        from .views import event_page

        return event_page(request, self, slug)


class BranchIndexPage(OrganisingIndexPage):
    """Branches (/branches/): the nearest-branch locator, every region with its branches,
    and each branch's and region's page."""

    @path("")
    def locator(self, request):
        from .views import branch_locator

        return branch_locator(request, self)

    @path("regions/<slug:slug>/")
    def region(self, request, slug):
        from .views import region_page

        return region_page(request, self, slug)

    @path("<slug:slug>/")
    def branch(self, request, slug):
        from .views import branch_page

        return branch_page(request, self, slug)
