"""Generated organising content: regions with their organisers, branches in made-up towns of
one fictional country, each branch's repeating meeting and thousands of one-off events, and
a small gazetteer (a GeoNames postal-code file) of the towns, for the branch locator.

Like the articles, counts are totals to reach and every batch is its own transaction, so a
re-run finishes an interrupted run and a re-run after a complete one adds nothing. Each
region, branch and event draws from its own random stream (by position, or for a branch's
meeting and its postcodes by the branch's slug), so for the same seed and totals the content
does not depend on how the run was split (events are spread over the branches that exist
when they are made, and branches over the regions); dates are relative to today.

Events are inserted in bulk, not through `Event.save()`: what `save()` works out and the
occurrences `rebuild_occurrences()` builds come from the model's own `fill_in_times()` and
`occurrence_times()` (the region is set from the branch here)."""

import datetime
import math
from dataclasses import dataclass
from pathlib import Path

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from faker import Faker

from clarion.newsroom.models import first_free, slug_base
from clarion.organising import recurrence
from clarion.organising.gazetteer import load_gazetteer
from clarion.organising.models import (
    BRANCH_ROUTES,
    EVENT_ROUTES,
    Branch,
    Event,
    EventKind,
    Occurrence,
    Organiser,
    Region,
    postcode_key,
)

from . import text
from .bulk import insert_rows

# The fictional country: a box of latitude and longitude (about 550 km by 2,100 km).
SOUTH, NORTH, WEST, EAST = 49.0, 54.0, 50.0, 80.0
# A two-letter code set aside for private use, so it can be no real country's.
COUNTRY_CODE = "XD"
ORGANISATION_DOMAIN = "unityparty.example"  # .example is reserved: no real mailbox

# Region names, with where each lies in the box (0–1 from south, 0–1 from west); the first
# few are spread over the whole map, so a small demo covers it too.
REGION_NAMES = [
    ("Central", 0.5, 0.5),
    ("North West", 0.85, 0.12),
    ("South East", 0.15, 0.88),
    ("North East", 0.85, 0.88),
    ("South West", 0.15, 0.12),
    ("Capital", 0.62, 0.36),
    ("North", 0.9, 0.5),
    ("South", 0.1, 0.5),
    ("West", 0.5, 0.08),
    ("East", 0.5, 0.92),
    ("Lakes", 0.3, 0.7),
    ("Steppe", 0.35, 0.3),
    ("Highlands", 0.2, 0.72),
    ("Coast", 0.65, 0.03),
    ("Valley", 0.75, 0.65),
    ("Border", 0.05, 0.3),
]
# Telephone ranges set aside for drama (Ofcom): no real line answers them.
MOBILES = "07700 900"
LANDLINES = [
    "0113 496 0",
    "0114 496 0",
    "0115 496 0",
    "0116 496 0",
    "0117 496 0",
    "0118 496 0",
    "0121 496 0",
    "0131 496 0",
    "0141 496 0",
    "0151 496 0",
    "0161 496 0",
    "028 9649 6",
    "029 2018 0",
    "01632 960",
]
BATCH = 2000
OTHER_ZONE = "Asia/Almaty"
OTHER_ZONE_SHARE = 0.03
CANCELLED_SHARE = 0.03
POSTPONED_SHARE = 0.02
REGION_ONLY_SHARE = 0.12
EXCEPTIONS_SHARE = 0.2
DAYS_BACK, DAYS_AHEAD = 730, 182
# One-off kinds of event and how common each is.
KIND_WEIGHTS = {
    "public-meeting": 22,
    "protest": 20,
    "picket": 20,
    "social": 12,
    "court-hearing": 8,
    "press-conference": 8,
    "conference": 5,
}
MEETING_KIND = "branch-meeting"
WEEKDAYS = [("MO", "Monday"), ("TU", "Tuesday"), ("WE", "Wednesday"), ("TH", "Thursday")]
ORDINALS = [(1, "First"), (2, "Second"), (3, "Third"), (-1, "Last")]
GAZETTEER_FILE = "demo-gazetteer.txt"


@dataclass
class Meeting:
    """A branch's regular meeting: its rule, local time and length, and how the branch page
    puts it in words."""

    rule: str
    time: datetime.time
    minutes: int
    pattern: str  # "Every other Tuesday, 7.30pm"
    when: str  # as in "we meet on the first Thursday of the month"


def meeting_plan(rng):
    """Fortnightly on a weekday evening for most branches, weekly for some, monthly on the
    first (second, third, last) weekday for the rest."""
    code, day = rng.choice(WEEKDAYS)
    time = rng.choice([datetime.time(19, 30), datetime.time(19), datetime.time(18, 30)])
    minutes = rng.choice([90, 120])
    roll = rng.random()
    if roll < 0.45:
        rule, words = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={code}", f"Every other {day}"
    elif roll < 0.6:
        rule, words = f"FREQ=WEEKLY;BYDAY={code}", f"Every {day}"
    elif roll < 0.65:
        code, day = "SA", "Saturday"
        time = rng.choice([datetime.time(11), datetime.time(12)])
        rule, words = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={code}", f"Every other {day}"
    else:
        number, ordinal = rng.choice(ORDINALS)
        rule, words = f"FREQ=MONTHLY;BYDAY={number}{code}", f"{ordinal} {day} of the month"
        when = f"on the {ordinal.lower()} {day} of the month"
        return Meeting(rule, time, minutes, f"{words}, {clock(time)}", when)
    return Meeting(rule, time, minutes, f"{words}, {clock(time)}", words[0].lower() + words[1:])


def region_words(name):
    """'the North West region'; generated names already end in 'region'."""
    return f"the {name}" if name.endswith(" region") else f"the {name} region"


def clock(time):
    """7.30pm, 7pm, 11am."""
    hour = time.hour % 12 or 12
    minutes = f".{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{'am' if time.hour < 12 else 'pm'}"


def phone(ranges, number):
    """The number-th of the fictional numbers in `ranges` (1,000 in each)."""
    prefix = ranges[number // 1000 % len(ranges)]
    return f"{prefix}{number % 1000:03d}"


def postcode_prefix(number):
    """The number-th branch's postcode prefix: 200–999, then 1000–1999, then 00000–00999
    (and round again). None is the start of another (100–199 are not used, or 100 would
    cover 1000's codes), and 010–099 are left for towns without a branch."""
    if number < 800:
        return str(200 + number)
    if number < 1800:
        return str(1000 + number - 800)
    return f"00{(number - 1800) % 1000:03d}"


class OrganisingSeeder:
    """Regions, branches and events for one `Seeder` (which gives the random streams, the
    progress bars and the log)."""

    def __init__(self, seeder):
        self.seeder = seeder
        self.rng = seeder.rng
        self.bar = seeder.bar
        self.fakers = {}

    def person(self, rng):
        """A generated name: English or Russian, first name then surname."""
        russian = rng.random() < 0.5
        locale = "ru_RU" if russian else "en_GB"
        if locale not in self.fakers:
            self.fakers[locale] = Faker(locale)
        fake = self.fakers[locale]
        fake.seed_instance(rng.getrandbits(64))
        if russian and rng.random() < 0.5:
            return f"{fake.first_name_female()} {fake.last_name_female()}"
        if russian:
            return f"{fake.first_name_male()} {fake.last_name_male()}"
        return f"{fake.first_name()} {fake.last_name()}"

    # Regions -------------------------------------------------------------------------

    def regions(self, total):
        have = Region.objects.count()
        if have < total:
            names = set(Region.objects.values_list("name", flat=True))
            used_slugs = set(Region.objects.values_list("slug", flat=True))
            new, organisers = [], []
            for i in range(have, total):
                rng = self.rng("region", i)
                name = REGION_NAMES[i][0] if i < len(REGION_NAMES) else None
                while name is None or name in names:
                    name = f"{text.town_name(rng)} region"
                names.add(name)
                slug = first_free(slug_base(Region, name), used_slugs.__contains__)
                used_slugs.add(slug)
                region = Region(
                    name=name,
                    slug=slug,
                    sort_order=i,
                    description=f"The party's branches in the {region_words(name)}. "
                    + text.sentence(rng, 14),
                )
                for j in range(rng.choice([1, 2])):
                    organisers.append(
                        Organiser(
                            name=self.person(rng),
                            role="Regional organiser",
                            phone=phone([MOBILES], 200 + 2 * i + j),
                            email=f"{slug}{'-' + str(j + 1) if j else ''}@{ORGANISATION_DOMAIN}",
                            region=region,
                            in_contact_block=j == 0,
                            sort_order=j,
                        )
                    )
                new.append(region)
            with transaction.atomic():
                Region.objects.bulk_create(new)
                for organiser in organisers:
                    organiser.region_id = organiser.region.pk
                Organiser.objects.bulk_create(organisers)
        return list(Region.objects.order_by("pk"))

    def region_centre(self, index, region):
        """Where in the box a region lies: its place in REGION_NAMES, else a random spot."""
        known = {name: (north, east) for name, north, east in REGION_NAMES}
        if region.name in known:
            north, east = known[region.name]
        else:
            rng = self.rng("region-centre", index)
            north, east = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)
        return SOUTH + north * (NORTH - SOUTH), WEST + east * (EAST - WEST)

    # Branches ------------------------------------------------------------------------

    def branches(self, total, regions):
        have = Branch.objects.count()
        if have >= total:
            return
        if not regions:
            raise ValueError("Branches need a region: seed at least one.")
        centres = [self.region_centre(i, region) for i, region in enumerate(regions)]
        # Branches of a region scatter around its centre, more widely when regions are few.
        spread = (NORTH - SOUTH) / math.sqrt(len(regions)) * 0.35
        names = set(Branch.objects.values_list("name", flat=True))
        used_slugs = set(Branch.objects.values_list("slug", flat=True)) | BRANCH_ROUTES
        remaining = total - have
        with self.bar(remaining, "branches") as bar:
            for first in range(have, total, BATCH):
                branches, secretaries = [], []
                for i in range(first, min(first + BATCH, total)):
                    rng = self.rng("branch", i)
                    # every region has a branch before any has two
                    r = i if i < len(regions) else rng.randrange(len(regions))
                    branch = self._branch(i, rng, regions[r], centres[r], spread, names)
                    branch.slug = first_free(
                        slug_base(Branch, branch.name), used_slugs.__contains__
                    )
                    used_slugs.add(branch.slug)
                    meeting = meeting_plan(self.rng("meeting", branch.slug))
                    branch.meeting_pattern = meeting.pattern
                    branch.description = (
                        f"The {branch.name} branch covers {branch.area}. We meet "
                        f"{meeting.when} at {clock(meeting.time)}, at the {branch.venue}. New "
                        f"members and supporters are always welcome. {text.sentence(rng, 12)}"
                    )
                    branches.append(branch)
                    secretaries.append(
                        Organiser(
                            name=self.person(rng),
                            role="Branch secretary",
                            phone=branch.contact_phone,
                            email=branch.contact_email,
                            branch=branch,
                            region=branch.region,
                        )
                    )
                with transaction.atomic():
                    Branch.objects.bulk_create(branches)
                    for secretary in secretaries:
                        secretary.branch_id = secretary.branch.pk
                    Organiser.objects.bulk_create(secretaries)
                bar.update(len(branches))

    def _branch(self, i, rng, region, centre, spread, names):
        name = text.town_name(rng)
        while name in names:  # made-up names repeat now and then: draw again
            name = text.town_name(rng)
        names.add(name)
        latitude = min(NORTH, max(SOUTH, rng.gauss(centre[0], spread)))
        # a degree of longitude is shorter than one of latitude up here
        longitude = min(EAST, max(WEST, rng.gauss(centre[1], spread * 1.6)))
        roll = rng.random()
        if roll < 0.4:
            area = f"{name} and the villages around it"
        elif roll < 0.7:
            area = f"{name} city and district"
        else:
            area = f"{name}, {text.town_name(rng)} and {text.town_name(rng)}"
        venue = rng.choice(text.VENUES)
        return Branch(
            name=name,
            region=region,
            latitude=round(latitude, 5),
            longitude=round(longitude, 5),
            area=area,
            postcode_prefixes=postcode_prefix(i),
            venue=f"{venue}, {text.street_address(rng)}",
            contact_email=f"{slug_base(Branch, name)}@{ORGANISATION_DOMAIN}",
            contact_phone=phone(LANDLINES, i),
        )

    # Events --------------------------------------------------------------------------

    def events(self, total, topic_ids):
        """Every branch's repeating meeting first, then one-off events up to `total`."""
        have = Event.objects.count()
        if have >= total:
            return
        kinds = dict(EventKind.objects.values_list("slug", "pk"))
        meeting_kind = kinds[MEETING_KIND]
        meetings = Event.objects.filter(kind=meeting_kind, branch__isnull=False).exclude(
            recurrence=""
        )
        branches = list(
            Branch.objects.exclude(pk__in=meetings.values("branch_id"))
            .select_related("region")
            .order_by("pk")
        )
        remaining = total - have
        missing = branches[:remaining]
        if len(missing) < len(branches):
            self.seeder.log(
                f"Only {len(missing)} of the {len(branches)} branches without a meeting get one:"
                " ask for more events."
            )
        # One-off events are numbered from 0, after the meetings, whenever they are made.
        one_off_from = have - meetings.count()
        context = EventContext(
            today=timezone.localdate(),
            until=timezone.localdate()
            + datetime.timedelta(days=settings.CLARION_EVENTS_HORIZON_DAYS),
            kinds={slug: pk for slug, pk in kinds.items() if slug in KIND_WEIGHTS},
            branches=list(Branch.objects.select_related("region").order_by("pk")),
            regions=list(Region.objects.order_by("pk")),
            topic_ids=topic_ids,
            secretaries=_first_per(
                Organiser.objects.filter(branch__isnull=False), "branch_id", "sort_order"
            ),
            regional=_first_per(
                Organiser.objects.filter(branch__isnull=True, region__isnull=False),
                "region_id",
                "-in_contact_block",
            ),
            used_slugs=set(Event.objects.values_list("slug", flat=True)) | EVENT_ROUTES,
            people=[],
        )
        if not context.kinds or (remaining > len(missing) and not context.regions):
            raise ValueError("One-off events need the kinds of event and at least a region.")
        plan = [("meeting", branch) for branch in missing]
        plan += [("one-off", one_off_from + k) for k in range(remaining - len(missing))]
        with self.bar(remaining, "events") as bar:
            for first in range(0, len(plan), BATCH):
                events = []
                for what, item in plan[first : first + BATCH]:
                    if what == "meeting":
                        event = self._meeting(item, meeting_kind, context)
                    else:
                        event = self._one_off(item, context)
                    events.append(_prepared(event, context.used_slugs))
                with transaction.atomic():
                    _insert_events(events, context.until)
                bar.update(len(events))

    def _meeting(self, branch, kind_id, context):
        plan = meeting_plan(self.rng("meeting", branch.slug))
        rng = self.rng("meeting-dates", branch.slug)
        # The branch has met since some day up to two and a half years ago (a few are new).
        since = context.today - datetime.timedelta(days=rng.randint(20, 900))
        first = next(iter(rrulestr(plan.rule, dtstart=datetime.datetime.combine(since, plan.time))))
        end = first + datetime.timedelta(minutes=plan.minutes)
        event = Event(
            title=f"{branch.name} branch meeting",
            kind_id=kind_id,
            description=(
                f"The regular meeting of the {branch.name} branch: reports from the workplaces "
                "and campaigns, the paper, and what we do next. Members and supporters welcome."
            ),
            start_date=first.date(),
            start_time=plan.time,
            end_time=end.time(),
            time_zone=OTHER_ZONE if rng.random() < OTHER_ZONE_SHARE else settings.TIME_ZONE,
            recurrence=plan.rule,
            venue=branch.venue,
            address=branch.name,
            latitude=branch.latitude,
            longitude=branch.longitude,
            branch=branch,
            region_id=branch.region_id,
            organiser_id=context.secretaries.get(branch.pk),
        )
        if rng.random() < EXCEPTIONS_SHARE:
            skipped = _skipped_dates(event, rng, context.today)
            event.exceptions = "\n".join(d.isoformat() for d in skipped)
        return event

    def _one_off(self, k, context):
        rng = self.rng("event", k)
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        # Where it happens: a branch's town. A regional event is filed under the region only.
        place = rng.choice(context.branches) if context.branches else None
        region_only = place is None or rng.random() < (
            0.7 if kind == "conference" else REGION_ONLY_SHARE
        )
        region = place.region if place else rng.choice(context.regions)
        town = place.name if place else region.name
        branch = None if region_only else place
        day = context.today + datetime.timedelta(days=rng.randint(-DAYS_BACK, DAYS_AHEAD))
        title, venue, start, hours, all_day_days = self._what(kind, rng, town, region, context)
        event = Event(
            title=title,
            kind_id=context.kinds[kind],
            description=(
                f"Called by the {region_words(region.name) if region_only else town + ' branch'}. "
                f"{text.sentence(rng)} {text.sentence(rng)}"
            ),
            start_date=day,
            time_zone=OTHER_ZONE if rng.random() < OTHER_ZONE_SHARE else settings.TIME_ZONE,
            venue=venue,
            address=f"{text.street_address(rng)}, {town}",
            branch=branch,
            region_id=region.pk,
            organiser_id=(
                context.secretaries.get(branch.pk) if branch else context.regional.get(region.pk)
            ),
        )
        if all_day_days:
            event.all_day = True
            event.end_date = day + datetime.timedelta(days=all_day_days - 1)
        else:
            event.start_time = start
            ends = datetime.datetime.combine(day, start) + datetime.timedelta(hours=hours)
            event.end_time = ends.time()
        if place is not None and place.latitude is not None and rng.random() < 0.8:
            event.latitude = round(place.latitude + rng.uniform(-0.02, 0.02), 5)
            event.longitude = round(place.longitude + rng.uniform(-0.03, 0.03), 5)
        roll = rng.random()
        if roll < CANCELLED_SHARE:
            event.status = Event.Status.CANCELLED
        elif roll < CANCELLED_SHARE + POSTPONED_SHARE:
            event.status = Event.Status.POSTPONED
        if context.topic_ids and rng.random() < 0.35:
            ids = context.topic_ids
            picks = (ids[int(len(ids) * rng.random() ** 3)] for _ in range(rng.choice([1, 1, 2])))
            event.seed_topics = list(dict.fromkeys(picks))
        return event

    def _what(self, kind, rng, town, region, context):
        """(title, venue, local start time, hours, days if all day) for a kind of event."""
        hour = datetime.time
        if kind == "public-meeting":
            title = f"{town} public meeting: {rng.choice(text.THEMES).lower()}"
            return title, rng.choice(text.VENUES), hour(rng.choice([18, 19])), 2, 0
        if kind == "protest":
            demand = rng.choice(text.DEMANDS)
            title = rng.choice(
                [
                    f"Protest in {town}: {rng.choice(text.THEMES).lower()}",
                    f"March for {demand}",
                    f"{town} rally for {demand}",
                    f"Day of action for {demand}",
                ]
            )
            days = 1 if title.startswith("Day of action") else 0
            venue = rng.choice(["Main square", "Outside the town hall", "Central park gates"])
            return title, venue, hour(rng.choice([11, 12, 14, 17])), 2, days
        if kind == "picket":
            subject = rng.choice(text.SUBJECTS)
            place = rng.choice(text.WORKPLACES)
            title = f"Picket: {subject.lower()} at the {town} {place}"
            return title, f"{town} {place} gates", hour(rng.choice([6, 7, 8])), 3, 0
        if kind == "court-hearing":
            if not context.people:
                context.people = [self.person(self.rng("defendant", n)) for n in range(200)]
            title = f"Court hearing: solidarity with {rng.choice(context.people)}"
            days = 1 if rng.random() < 0.2 else 0
            return title, f"{town} district court", hour(rng.choice([9, 10])), 3, days
        if kind == "press-conference":
            title = (
                f"Press conference: {rng.choice(text.SUBJECTS).lower()} {rng.choice(text.ACTIONS)}"
            )
            return title, f"{town} press club", hour(11), 1, 0
        if kind == "conference":
            name = rng.choice(
                [f"{region.name.removesuffix(' region')} regional conference", *text.CONFERENCES]
            )
            return name, "Palace of Culture", None, 0, rng.choice([1, 1, 2])
        title = f"{rng.choice(text.SOCIALS)} in {town}"
        return title, rng.choice(text.VENUES), hour(rng.choice([18, 19])), 3, 0

    # Gazetteer -----------------------------------------------------------------------

    def gazetteer(self, path=None):
        """Write the demo gazetteer (every branch's town under several postcodes, and some
        towns without a branch) and load it. Returns a DemoGazetteer: what a reader can
        try in the locator."""
        path = Path(path or Path(settings.VAR_DIR) / GAZETTEER_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        branches = list(
            Branch.objects.listed()
            .filter(latitude__isnull=False, longitude__isnull=False)
            .order_by("pk")
        )
        region_codes = {
            pk: f"{n + 1:02d}"
            for n, pk in enumerate(Region.objects.order_by("pk").values_list("pk", flat=True))
        }
        lines, example = [], None
        for branch in branches:
            prefixes = [postcode_key(p) for p in branch.postcode_prefixes.split(",") if p.strip()]
            rng = self.rng("postcodes", branch.slug)
            codes = _postcodes(prefixes[0] if prefixes else None, rng)
            lines += _place_lines(branch.name, branch.region, region_codes, codes, branch, rng)
            if example is None and codes:
                example = DemoGazetteer(path, None, codes[0], branch.name, "")
        # Towns without a branch: the locator finds the nearest one by distance.
        towns = set(Branch.objects.values_list("name", flat=True))
        extra = min(90, max(3, len(branches) // 10)) if branches else 0
        for n in range(extra):
            rng = self.rng("town", n)
            name = text.town_name(rng)
            while name in towns:
                name = text.town_name(rng)
            towns.add(name)
            # out in the country, 20–60 km from some branch's town
            near = rng.choice(branches)
            distance, angle = rng.uniform(0.2, 0.55), rng.uniform(0, 2 * math.pi)
            point = (
                min(NORTH, max(SOUTH, near.latitude + distance * math.sin(angle))),
                min(EAST, max(WEST, near.longitude + distance * 1.6 * math.cos(angle))),
            )
            nearest = min(branches, key=lambda b: _distance2(point, b))
            codes = _postcodes(f"0{n + 10}", rng)
            lines += _place_lines(name, nearest.region, region_codes, codes, point, rng)
            if example is not None and not example.town_without_branch:
                example.town_without_branch = name
        path.write_text("".join(lines), encoding="utf-8")
        report = load_gazetteer(path, progress=self.seeder.progress, log=self.seeder.log)
        self.seeder.log(report.summary())
        if example is None:
            return DemoGazetteer(path, report, "", "", "")
        example.report = report
        return example


@dataclass
class DemoGazetteer:
    path: Path
    report: object
    postcode: str  # one of a branch town's postcodes
    town: str  # that town
    town_without_branch: str

    def hint(self):
        if not self.postcode:
            return ""
        hint = f"try the postcode {self.postcode} ({self.town})"
        if self.town_without_branch:
            hint += f" or the town {self.town_without_branch}, which has no branch"
        return hint


@dataclass
class EventContext:
    """What every generated event draws from, read once per run."""

    today: datetime.date
    until: datetime.date
    kinds: dict  # slug → pk, one-off kinds
    branches: list
    regions: list
    topic_ids: list
    secretaries: dict  # branch id → organiser id
    regional: dict  # region id → organiser id
    used_slugs: set
    people: list  # names for court hearings, made when first needed


def _first_per(organisers, group, order):
    first = {}
    for key, pk in organisers.order_by(group, order, "pk").values_list(group, "pk"):
        first.setdefault(key, pk)
    return first


def _skipped_dates(event, rng, today):
    """One or two of a meeting's dates in the coming year it does not happen on: around the
    new year when it falls then, else any."""
    until = today + datetime.timedelta(days=365)
    starts = recurrence.local_starts(event.local_start(), event.recurrence, [], until)
    dates = [s.date() for s in starts if s.date() >= today]
    holidays = [d for d in dates if (d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 7)]
    pool = holidays or dates
    return sorted(rng.sample(pool, min(len(pool), rng.choice([1, 2]))))


def _prepared(event, used_slugs):
    """What `Event.save()` fills in before it writes: slug, end date, absolute start and
    end (the region is set from the branch by the caller)."""
    base = slug_base(Event, event.title)[:150] + f"-{event.start_date:%Y-%m-%d}"
    event.slug = first_free(base, used_slugs.__contains__)
    used_slugs.add(event.slug)
    event.fill_in_times()
    return event


def _insert_events(events, until):
    """The events, their occurrences up to `until` (as `rebuild_occurrences()` lists them)
    and their topics, in bulk."""
    fields = [f for f in Event._meta.local_concrete_fields if not f.primary_key]
    # each field's pre_save, as bulk_create applies it (auto_now dates)
    rows = [[field.pre_save(event, add=True) for field in fields] for event in events]
    insert_rows(Event, fields, rows)
    ids = dict(
        Event.objects.filter(slug__in=[event.slug for event in events]).values_list("slug", "pk")
    )
    occurrences, links = [], []
    for event in events:
        event.pk = ids[event.slug]
        occurrences += [(event.pk, start, end) for start, end in event.occurrence_times(until)]
        links += [(event.pk, topic_id) for topic_id in getattr(event, "seed_topics", ())]
    insert_rows(Occurrence, ["event", "starts_at", "ends_at"], occurrences)
    insert_rows(Event.topics.through, ["event", "topic"], links)


def _postcodes(prefix, rng):
    """Three to eight 6-digit postcodes starting with `prefix`, the first the town centre's."""
    if not prefix:
        return []
    free = 6 - len(prefix)
    numbers = sorted(rng.sample(range(1, 10**free), min(10**free - 1, rng.randint(3, 8))))
    return [f"{prefix}{number:0{free}d}" for number in numbers]


def _place_lines(name, region, region_codes, codes, where, rng):
    """GeoNames postal-code lines for a town: one per postcode, scattered a few kilometres
    around it (the first at its centre)."""
    latitude, longitude = where if isinstance(where, tuple) else (where.latitude, where.longitude)
    lines = []
    for n, code in enumerate(codes):
        lat = latitude + (rng.gauss(0, 0.025) if n else 0)
        lon = longitude + (rng.gauss(0, 0.04) if n else 0)
        columns = [
            COUNTRY_CODE,
            code,
            name,
            region.name,
            region_codes.get(region.pk, ""),
            "",
            "",
            "",
            "",
            f"{min(90, max(-90, lat)):.5f}",
            f"{min(180, max(-180, lon)):.5f}",
            "4",
        ]
        lines.append("\t".join(columns) + "\n")
    return lines


def _distance2(point, branch):
    """A squared distance good enough to rank branches by (degrees, longitude shrunk)."""
    return (point[0] - branch.latitude) ** 2 + ((point[1] - branch.longitude) * 0.63) ** 2
