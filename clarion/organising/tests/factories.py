"""Factories for organising tests: regions, branches, organisers and events saved through
their models' own save(), so occurrences are built as they are in the admin."""

import datetime

import factory

from clarion.organising.models import Branch, Event, EventKind, Organiser, Place, Region


class RegionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Region {n}")

    class Meta:
        model = Region


class BranchFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Branch {n}")
    region = factory.SubFactory(RegionFactory)
    latitude = 51.5
    longitude = -0.1
    meeting_pattern = "Every second Tuesday, 7.30pm"
    venue = "Trades Hall"

    class Meta:
        model = Branch


class OrganiserFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Organiser {n}")
    role = "Regional organiser"
    phone = factory.Sequence(lambda n: f"0700 000 {n:03d}")
    region = factory.SubFactory(RegionFactory)

    class Meta:
        model = Organiser


def kind(slug="branch-meeting"):
    """One of the kinds of event the migrations create."""
    return EventKind.objects.get(slug=slug)


class EventFactory(factory.django.DjangoModelFactory):
    """A timed event in London, 7.30pm–9pm, a week after 2 March 2026 by default. Pass
    `topics=[…]` for its topics."""

    title = factory.Sequence(lambda n: f"Event {n}")
    kind = factory.LazyFunction(kind)
    start_date = datetime.date(2026, 3, 10)
    start_time = datetime.time(19, 30)
    end_time = datetime.time(21, 0)
    time_zone = "Europe/London"
    venue = "Trades Hall"

    class Meta:
        model = Event
        skip_postgeneration_save = True

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
            self.save()  # a parental many-to-many is written when its event is saved


class PlaceFactory(factory.django.DjangoModelFactory):
    country_code = "GB"
    postal_code = factory.Sequence(lambda n: f"ZZ{n}")
    name = factory.Sequence(lambda n: f"Town {n}")
    latitude = 51.5
    longitude = -0.1

    class Meta:
        model = Place
