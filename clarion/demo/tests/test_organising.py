"""Generated regions, branches, organisers and events: exact totals, resumable, consistent
with what the models' own save() would store, and a demo gazetteer the locator can use."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from clarion.demo import organising
from clarion.organising import recurrence
from clarion.organising.gazetteer import find_places
from clarion.organising.models import Branch, Event, Occurrence, Organiser, Place, Region

pytestmark = pytest.mark.django_db

SMALL = {"articles": 10, "editions": 1, "topics": 10, "authors": 2, "images": 0}


def seed(**sizes):
    out = io.StringIO()
    call_command("seed", no_progress=True, stdout=out, **(SMALL | sizes))
    return out.getvalue()


def meetings():
    return Event.objects.filter(kind__slug="branch-meeting", branch__isnull=False).exclude(
        recurrence=""
    )


def snapshot():
    return {
        "regions": sorted(Region.objects.values_list("name", flat=True)),
        "branches": sorted(
            Branch.objects.values_list(
                "name", "region__name", "latitude", "longitude", "meeting_pattern"
            )
        ),
        "organisers": sorted(Organiser.objects.values_list("name", "role", "phone")),
        "events": sorted(
            Event.objects.values_list("slug", "title", "status", "starts_at", "recurrence")
        ),
        "occurrences": Occurrence.objects.count(),
    }


def test_seeding_reaches_the_totals_and_a_rerun_adds_nothing(var_dir):
    out = seed(regions=4, branches=12, events=300)

    assert Region.objects.count() == 4
    assert Branch.objects.count() == 12
    assert Event.objects.count() == 300
    # one or two regional organisers per region, one of them in the contact block
    regional = Organiser.objects.filter(branch__isnull=True)
    assert set(regional.values_list("role", flat=True)) == {"Regional organiser"}
    assert 4 <= regional.count() <= 8
    contact = regional.filter(in_contact_block=True)
    assert sorted(contact.values_list("region", flat=True)) == sorted(
        Region.objects.values_list("pk", flat=True)
    )
    assert all(organiser.phone for organiser in contact)
    # a secretary per branch, filed under the branch's region too
    for branch in Branch.objects.all():
        secretaries = branch.organisers.filter(role="Branch secretary")
        assert [s.region_id for s in secretaries] == [branch.region_id]
    # every region has a branch; branches are inside the fictional country
    assert not Region.objects.annotate(n=Count("branches")).filter(n=0).exists()
    for branch in Branch.objects.all():
        assert organising.SOUTH <= branch.latitude <= organising.NORTH
        assert organising.WEST <= branch.longitude <= organising.EAST
        assert branch.postcode_prefixes and branch.venue and branch.contact_email

    # some cancelled and postponed, some all day, some regional, a few in another zone
    assert Event.objects.filter(status=Event.Status.CANCELLED).exists()
    assert Event.objects.filter(status=Event.Status.POSTPONED).exists()
    assert Event.objects.filter(all_day=True).exists()
    assert Event.objects.filter(branch__isnull=True, region__isnull=False).exists()
    assert Event.objects.filter(time_zone="Asia/Almaty").exists()
    assert Event.objects.filter(topics__isnull=False).exists()
    assert not Event.objects.filter(region__isnull=True).exists()
    # one-offs have one occurrence each
    one_offs = Event.objects.filter(recurrence="").annotate(n=Count("occurrences"))
    assert set(one_offs.values_list("n", flat=True)) == {1}
    assert "try the postcode" in out

    before = snapshot()
    places = Place.objects.count()
    seed(regions=4, branches=12, events=300)  # the same totals: nothing to do
    assert snapshot() == before
    assert Place.objects.count() == places


def test_every_branch_has_a_repeating_meeting_that_matches_its_pattern():
    seed(regions=3, branches=20, events=40)
    now = timezone.now()
    assert meetings().count() == 20
    for branch in Branch.objects.all():
        (meeting,) = meetings().filter(branch=branch)
        assert meeting.occurrences.filter(starts_at__gt=now).exists()
        assert meeting.occurrences.count() > 1
        fields = dict(part.split("=") for part in meeting.recurrence.split(";"))
        pattern = branch.meeting_pattern
        day = recurrence.WEEKDAYS[fields["BYDAY"][-2:]]
        assert day in pattern and day in branch.description
        assert ("Every other" in pattern) == (fields.get("INTERVAL") == "2")
        assert ("of the month" in pattern) == (fields["FREQ"] == "MONTHLY")
    with_exceptions = meetings().exclude(exceptions="")
    for meeting in with_exceptions:
        dates = {o.local_start.date() for o in meeting.occurrences.all()}
        assert not dates & set(meeting.exception_dates())


def test_bulk_events_are_stored_as_their_save_would_store_them():
    seed(regions=3, branches=10, events=120)
    sample = list(meetings()) + list(
        Event.objects.filter(
            Q(all_day=True) | Q(time_zone="Asia/Almaty") | Q(status="cancelled")
        ).exclude(recurrence="")[:30]
    )
    sample += list(Event.objects.filter(recurrence="")[:20])
    for event in sample:
        stored = (event.slug, event.region_id, event.starts_at, event.ends_at, event.end_date)
        occurrences = list(event.occurrences.values_list("starts_at", "ends_at"))
        event.full_clean()  # what an editor could save
        event.save()
        event.refresh_from_db()
        assert (event.slug, event.region_id, event.starts_at, event.ends_at, event.end_date) == (
            stored
        )
        assert list(event.occurrences.values_list("starts_at", "ends_at")) == occurrences


def test_fewer_then_more_reaches_the_new_totals():
    seed(regions=2, branches=5, events=30)
    assert (Region.objects.count(), Branch.objects.count(), Event.objects.count()) == (2, 5, 30)
    seed(regions=4, branches=14, events=90)

    assert (Region.objects.count(), Branch.objects.count(), Event.objects.count()) == (4, 14, 90)
    assert meetings().count() == 14  # the new branches got their meetings too
    assert Organiser.objects.filter(role="Branch secretary").count() == 14
    assert len(set(Event.objects.values_list("slug", flat=True))) == 90


def test_an_interrupted_run_finishes_with_the_same_content(monkeypatch):
    sizes = {"regions": 4, "branches": 14, "events": 90}
    seed(**sizes)
    whole = snapshot()
    for model in (Event, Organiser, Branch, Region, Place):
        model.objects.all().delete()

    seed(**(sizes | {"events": 40}))
    # a run that stops part way through the events
    monkeypatch.setattr(organising, "BATCH", 8)
    calls = []
    insert = organising._insert_events

    def failing(events, until):
        calls.append(len(events))
        if len(calls) == 4:
            raise KeyboardInterrupt
        insert(events, until)

    monkeypatch.setattr(organising, "_insert_events", failing)
    with pytest.raises(KeyboardInterrupt):
        seed(**sizes)
    assert Event.objects.count() == 40 + 3 * 8  # the interrupted batch left nothing
    monkeypatch.setattr(organising, "_insert_events", insert)
    seed(**sizes)

    assert (Region.objects.count(), Branch.objects.count(), Event.objects.count()) == (4, 14, 90)
    assert snapshot() == whole  # same seed and totals, same content, however it was split


def test_demo_gazetteer_loads_and_the_locator_finds_its_places(var_dir):
    out = seed(regions=3, branches=8, events=30)
    path = var_dir / organising.GAZETTEER_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(len(line.split("\t")) == 12 for line in lines)
    towns = {line.split("\t")[2] for line in lines}
    branch_towns = set(Branch.objects.values_list("name", flat=True))
    assert branch_towns < towns  # every branch town, and towns without a branch
    assert Place.objects.count() == len(lines)

    postcode = out.split("try the postcode ")[1].split()[0]
    town = out.split("or the town ")[1].split(",")[0]
    (place,) = find_places(postcode)
    branch = Branch.objects.get(name=place.name)
    assert place.admin_name == branch.region.name
    assert postcode.startswith(branch.postcode_prefixes)
    assert abs(place.latitude - branch.latitude) < 0.5
    assert town not in branch_towns
    assert [p.name for p in find_places(town)] == [town]


def test_events_cannot_be_fewer_than_branches():
    with pytest.raises(CommandError, match="--events must be at least --branches"):
        seed(regions=2, branches=10, events=5)
    assert not Branch.objects.exists()


def test_seed_defaults_scale_with_articles():
    out = seed(articles=0, regions=None)
    assert "12 regions" not in out  # no more regions than branches by default
    assert "10 branches, 40 events" in out
    assert Branch.objects.count() == 10 and Region.objects.count() == 10
