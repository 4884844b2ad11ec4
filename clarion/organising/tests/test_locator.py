"""The nearest-branch locator as a reader uses it: a postcode, a town or a shared location in,
the nearest branches (with distance and next meeting) out; anything unknown gets a message."""

import datetime

import pytest
from django.utils import timezone

from clarion.newsroom.tests.helpers import get_ok, measure, soup, text
from clarion.organising.locator import distance_km

from .factories import BranchFactory, EventFactory, PlaceFactory

pytestmark = pytest.mark.django_db

LOCATOR_QUERIES = 18

# Three branches along a line of latitude in the north of England, and places to look from.
BRANCHES = {"Westbury": (53.48, -2.60), "Middleton": (53.48, -2.24), "Eastholme": (53.48, -1.80)}


@pytest.fixture
def branches():
    made = {
        name: BranchFactory(name=name, latitude=lat, longitude=lon)
        for name, (lat, lon) in BRANCHES.items()
    }
    PlaceFactory(postal_code="M5 4WT", name="Salford", latitude=53.48, longitude=-2.28)
    PlaceFactory(postal_code="M5", name="Salford", latitude=53.48, longitude=-2.28)
    PlaceFactory(postal_code="HX1 1AA", name="Halifax", latitude=53.72, longitude=-1.86)
    return made


def nearest(response):
    return [
        (text(item.select_one("h3 a")), text(item.select_one(".distance")))
        for item in soup(response).select(".nearby > li")
    ]


def test_distance_is_the_great_circle():
    # One degree of latitude is 111.2 km anywhere on Earth.
    assert distance_km((50.0, 10.0), (51.0, 10.0)) == pytest.approx(111.2, abs=0.1)
    assert distance_km((53.48, -2.24), (53.48, -2.24)) == 0


def test_postcode_lists_branches_nearest_first_with_distances(client, branches):
    found = nearest(get_ok(client, "/branches/?q=m5+4wt"))
    assert [name for name, _ in found] == ["Middleton", "Westbury", "Eastholme"]
    distances = [float(d.split()[0]) for _, d in found]
    assert distances == sorted(distances)
    assert found[0][1] == "2.6 km"


def test_a_postcode_only_known_by_its_district_still_finds_branches(client, branches):
    found = nearest(get_ok(client, "/branches/?q=M5+9ZZ"))
    assert [name for name, _ in found][0] == "Middleton"


def test_town_name_in_any_case(client, branches):
    response = get_ok(client, "/branches/?q=HALIFAX")
    assert [name for name, _ in nearest(response)][0] == "Eastholme"
    assert "Nearest branches to Halifax" in text(soup(response).select_one("h2"))


def test_a_branch_covering_the_postcode_comes_first(client, branches):
    branches["Eastholme"].postcode_prefixes = "M5, M6"
    branches["Eastholme"].save()
    response = get_ok(client, "/branches/?q=M5+4WT")
    assert [name for name, _ in nearest(response)] == ["Eastholme", "Middleton", "Westbury"]
    assert "Covers your area." in text(soup(response).select_one(".nearby > li"))


def test_each_branch_shows_its_next_meeting(client, branches):
    day = timezone.localdate() + datetime.timedelta(days=4)
    EventFactory(title="Rent strike meeting", branch=branches["Middleton"], start_date=day)
    first = soup(get_ok(client, "/branches/?q=M5+4WT")).select_one(".nearby > li")
    assert "Next meeting:" in text(first) and "Rent strike meeting" in text(first)
    assert f"{day:%A} {day.day} {day:%B %Y}, 7.30pm" in text(first)


def test_shared_location_finds_branches(client, branches):
    found = nearest(get_ok(client, "/branches/?lat=53.49&lon=-1.81"))
    assert found[0][0] == "Eastholme"


def test_closed_and_unplaced_branches_are_not_offered(client, branches):
    branches["Middleton"].active = False
    branches["Middleton"].save()
    BranchFactory(name="Nowhere", latitude=None, longitude=None)
    assert [name for name, _ in nearest(get_ok(client, "/branches/?q=M5+4WT"))] == [
        "Westbury",
        "Eastholme",
    ]


@pytest.mark.parametrize(
    "query, message",
    [
        ("q=ZZ99+9ZZ", "We could not find “ZZ99 9ZZ”. Check the postcode"),
        ("q=Atlantis", "We could not find “Atlantis”."),
        ("lat=north&lon=-2", "Your location could not be read."),
        ("lat=123&lon=-2", "Your location could not be read."),
    ],
)
def test_unknown_places_get_a_helpful_message(client, branches, query, message):
    response = get_ok(client, f"/branches/?{query}")
    page = soup(response)
    assert message in text(page.select_one("#locator-message"))
    assert not page.select(".nearby")
    if query.startswith("q="):
        assert page.select_one("#locator-q")["value"] == query[2:].replace("+", " ")


def test_a_town_name_shared_by_two_places_asks_which(client, branches):
    PlaceFactory(
        postal_code="NP20", name="Newport", admin_name="Wales", latitude=51.58, longitude=-3.0
    )
    PlaceFactory(
        postal_code="TF10", name="Newport", admin_name="Shropshire", latitude=52.77, longitude=-2.38
    )
    page = soup(get_ok(client, "/branches/?q=newport"))
    assert "Which did you mean?" in text(page)
    assert sorted(text(a) for a in page.select("main h2 + ul a")) == [
        "Newport, Shropshire (TF10)",
        "Newport, Wales (NP20)",
    ]
    assert not page.select(".nearby")


def test_without_a_search_the_page_lists_regions(client, branches):
    page = soup(get_ok(client, "/branches/"))
    assert page.select_one("#locator-q")["name"] == "q"
    regions = [text(li) for li in page.select(".region-list li")]
    assert len(regions) == 3 and all(r.endswith("1 branch") for r in regions)


def test_locator_query_budget_does_not_grow_with_branches(
    client, branches, django_assert_max_num_queries
):
    few, _ = measure(client, "/branches/?q=M5+4WT", django_assert_max_num_queries, LOCATOR_QUERIES)
    for n in range(40):
        BranchFactory(latitude=52 + n / 20, longitude=-2.0)
    many, response = measure(
        client, "/branches/?q=M5+4WT", django_assert_max_num_queries, LOCATOR_QUERIES
    )
    assert len(nearest(response)) == 5
    assert many == few
