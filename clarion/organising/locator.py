"""The nearest-branch locator: from a point to the closest branches, with distances.

Branch locations are few (hundreds) and change rarely, so they are read once per content
version and measured in Python: the same on SQLite and PostgreSQL, and well under a
millisecond for 500 branches."""

import math
from typing import NamedTuple

from django.conf import settings

from clarion.core.content_version import cached

from .gazetteer import find_places, looks_like_postcode
from .models import Branch, Place, covers_postcode, postcode_key

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
NEAREST_COUNT = 5


class Point(NamedTuple):
    latitude: float
    longitude: float


class Located(NamedTuple):
    """Where a reader's text puts them: a point (with the postcode key when found by
    postcode), or several places to choose from, or nothing."""

    point: Point | None = None
    postcode: str | None = None
    place: Place | None = None
    choices: list = []


class Nearby(NamedTuple):
    branch: Branch
    distance: float  # in the site's unit (CLARION_DISTANCE_UNIT)
    covers: bool  # the reader's postcode is in the area the branch says it covers


def distance_km(a, b):
    """Great-circle (haversine) distance between two points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def in_unit(km):
    return km / KM_PER_MILE if settings.CLARION_DISTANCE_UNIT == "mi" else km


def branch_locations():
    """(pk, point, postcode prefixes) of every listed branch with a location."""

    def read():
        rows = Branch.objects.located().values_list(
            "pk", "latitude", "longitude", "postcode_prefixes"
        )
        return [(pk, Point(lat, lon), prefixes) for pk, lat, lon, prefixes in rows]

    return cached("branch-locations", read)


def nearest_branches(point, postcode=None, count=NEAREST_COUNT):
    """The `count` branches closest to `point`, nearest first — except that branches whose
    area covers the reader's `postcode` (a normalised key) come before all others."""
    measured = []
    for pk, location, prefixes in branch_locations():
        covers = bool(postcode) and covers_postcode(prefixes, postcode)
        measured.append((not covers, distance_km(point, location), pk, covers))
    measured.sort()
    chosen = measured[:count]
    branches = Branch.objects.listed().in_bulk([pk for *_, pk, _covers in chosen])
    return [
        Nearby(branches[pk], in_unit(km), covers)
        for _far, km, pk, covers in chosen
        if pk in branches
    ]


def locate(query):
    """A postcode or town name, as a reader typed it, to a point. Several towns of that
    name (or names starting so) come back as `choices` to ask which."""
    places = find_places(query)
    if not places:
        return Located()
    by_postcode = is_postcode_match(query, places[0])
    if by_postcode or len(places) == 1:
        place = places[0]
        postcode = postcode_key(query) if by_postcode else None
        return Located(Point(place.latitude, place.longitude), postcode, place)
    return Located(choices=places)


def is_postcode_match(query, place):
    """Whether the place was found by its postcode (the whole of it, or its first part)."""
    key = postcode_key(query)
    found_by_code = bool(place.postal_code_key) and key.startswith(place.postal_code_key)
    return looks_like_postcode(key) and found_by_code
