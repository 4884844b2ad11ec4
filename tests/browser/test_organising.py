"""Organising pages in a real browser: the nearest-branch locator with and without JavaScript
(and with the reader's location given or refused), an accessibility audit of the diary, event,
branch, region and locator pages, nothing from other hosts, and the diary on a phone."""

import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from test_reading import (
    BLOCKING_IMPACTS,
    browser_problems,
    describe,
    other_hosts,
    run_axe,
    watch,
)

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback puts back the site tree that
    # the data migrations created (home, /events/, /branches/) after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW_PHONE = {"width": 360, "height": 740}
NOT_AVAILABLE = "Your location is not available. Type your postcode or town instead."

# Three branches along a line of latitude in the north of England, west to east.
BRANCHES = {"Westbury": (53.48, -2.60), "Middleton": (53.48, -2.24), "Eastholme": (53.48, -1.80)}
# Where the phone says it is: a little north-east of Eastholme. "Use my location" sends it
# rounded to two decimals (toFixed, so 53.4867 → 53.49, not 53.48).
HERE = {"latitude": 53.4867, "longitude": -1.8133}


@pytest.fixture
def organising(transactional_db):
    """Two regions, three placed branches, places to look up (two towns sharing a name), and
    coming events (one of them cancelled, one repeating) dated from today. Plain values only:
    the tests must not touch the database once the browser runs."""
    from django.utils import timezone

    from clarion.organising.models import Event
    from clarion.organising.tests.factories import (
        BranchFactory,
        EventFactory,
        OrganiserFactory,
        PlaceFactory,
        RegionFactory,
        kind,
    )

    north_west = RegionFactory(
        name="North West", description="Greater Manchester, Lancashire and Cheshire."
    )
    yorkshire = RegionFactory(name="Yorkshire")
    OrganiserFactory(name="Sam Okafor", region=north_west, email="sam@example.org")
    branches = {
        name: BranchFactory(
            name=name,
            region=yorkshire if name == "Eastholme" else north_west,
            latitude=lat,
            longitude=lon,
        )
        for name, (lat, lon) in BRANCHES.items()
    }
    middleton = branches["Middleton"]
    middleton.area = "Middleton, Heywood and Chadderton"
    middleton.contact_email = "middleton@example.org"
    middleton.contact_phone = "0161 496 0000"
    middleton.description = "We meet fortnightly and run a stall on Saturdays."
    middleton.save()
    OrganiserFactory(name="Ana Lima", role="Branch secretary", region=None, branch=middleton)

    PlaceFactory(postal_code="M5 4WT", name="Salford", latitude=53.48, longitude=-2.28)
    PlaceFactory(postal_code="HX1 1AA", name="Halifax", latitude=53.72, longitude=-1.86)
    # Two towns of one name, one near each end of the line of branches.
    PlaceFactory(
        postal_code="WN9", name="Newbridge", admin_name="Lancashire", latitude=53.5, longitude=-2.65
    )
    PlaceFactory(
        postal_code="HD9", name="Newbridge", admin_name="Yorkshire", latitude=53.55, longitude=-1.75
    )

    today = timezone.localdate()

    def day(n):
        return today + datetime.timedelta(days=n)

    meeting = EventFactory(
        title="Rent strike meeting",
        branch=middleton,
        start_date=day(2),
        description="How to organise your block.",
    )
    EventFactory(
        title="Public meeting: defend the right to strike, scrap the anti-union laws",
        kind=kind("public-meeting"),
        region=north_west,
        start_date=day(2),
        start_time=datetime.time(18, 0),
        end_time=datetime.time(20, 0),
        venue="Friends Meeting House, Mount Street, Manchester",
        address="6 Mount Street, Manchester M2 5NS",
        latitude=53.478,
        longitude=-2.245,
    )
    picket = EventFactory(
        title="Picket at the bus depot",
        kind=kind("picket"),
        branch=branches["Eastholme"],
        start_date=day(5),
        start_time=datetime.time(6, 0),
        end_time=datetime.time(9, 0),
        status=Event.Status.CANCELLED,
    )
    EventFactory(
        title="Westbury branch meeting",
        branch=branches["Westbury"],
        start_date=day(9),
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY="
        + "MO TU WE TH FR SA SU".split()[day(9).weekday()],
    )
    return SimpleNamespace(
        meeting_url=meeting.get_absolute_url(),
        picket_title=picket.title,
        picket_url=picket.get_absolute_url(),
        branch_url=middleton.get_absolute_url(),
        region_url=north_west.get_absolute_url(),
    )


@pytest.fixture
def browser(organising, browser):
    """Chromium starts only once the organising data is in (see conftest's `browser`)."""
    return browser


def nearest(page):
    """[(branch, distance), …] as the locator lists them."""
    items = page.locator(".nearby > li")
    return [
        (item.locator("h3 a").inner_text(), item.locator(".distance").inner_text())
        for item in items.all()
    ]


def test_locator_without_javascript(live_server, organising, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/branches/")
    assert page.get_by_role("button", name="Use my location").count() == 0

    page.get_by_label("Find your nearest branch").fill("m5 4wt")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(live_server.url + "/branches/?q=m5+4wt")

    assert page.get_by_role("heading", name="Nearest branches to Salford (m5 4wt)").is_visible()
    found = nearest(page)
    assert [name for name, _ in found] == ["Middleton", "Westbury", "Eastholme"]
    distances = [float(distance.removesuffix(" km")) for _, distance in found]
    assert distances == sorted(distances)
    assert found[0][1] == "2.6 km"
    first = page.locator(".nearby > li").first
    assert "Next meeting:" in first.inner_text()
    assert "Rent strike meeting" in first.inner_text()
    assert page.get_by_label("Find your nearest branch").input_value() == "m5 4wt"

    # A postcode the gazetteer has not got: say so, and keep what was typed for mending.
    box = page.get_by_label("Find your nearest branch")
    box.fill("ZZ99 9ZZ")
    box.press("Enter")
    page.wait_for_url(live_server.url + "/branches/?q=ZZ99+9ZZ")
    message = page.get_by_role("alert")
    assert message.inner_text().startswith("We could not find “ZZ99 9ZZ”. Check the postcode")
    assert page.get_by_label("Find your nearest branch").input_value() == "ZZ99 9ZZ"
    assert page.get_by_label("Find your nearest branch").get_attribute("aria-invalid") == "true"
    assert page.locator(".nearby").count() == 0


def test_use_my_location_sends_a_rounded_position(live_server, organising, new_context):
    context = new_context(geolocation=HERE, permissions=["geolocation"])
    page = context.new_page()
    page.goto(live_server.url + "/branches/")

    button = page.get_by_role("button", name="Use my location")
    assert button.is_visible()
    button.click()
    page.wait_for_url(live_server.url + "/branches/?lat=53.49&lon=-1.81")

    assert page.get_by_role("heading", name="Nearest branches").is_visible()
    assert [name for name, _ in nearest(page)] == ["Eastholme", "Middleton", "Westbury"]
    assert page.get_by_role("alert").count() == 0


def test_use_my_location_refused(live_server, organising, new_context):
    page = new_context().new_page()  # no permission for geolocation
    page.goto(live_server.url + "/branches/")

    button = page.get_by_role("button", name="Use my location")
    button.click()
    status = page.get_by_role("status")
    status.filter(has_text=NOT_AVAILABLE).wait_for()
    assert status.inner_text() == NOT_AVAILABLE
    assert page.url == live_server.url + "/branches/"
    assert button.is_enabled()

    # The postcode box still works.
    page.get_by_label("Find your nearest branch").fill("HX1 1AA")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(live_server.url + "/branches/?q=HX1+1AA")
    assert nearest(page)[0][0] == "Eastholme"


@pytest.mark.parametrize(
    "language",
    [
        "en-gb",
        "ru",  # a decimal comma must not reach the links' coordinates
    ],
)
def test_a_town_name_shared_by_two_places_asks_which(
    live_server, organising, new_context, settings, language
):
    settings.LANGUAGE_CODE = language  # a site set up in Russian (LANGUAGE_CODE=ru)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/branches/?q=newbridge")
    assert page.get_by_role("heading", name="Which did you mean?").is_visible()

    page.get_by_role("link", name="Newbridge, Yorkshire (HD9)").click()
    page.wait_for_url("**/branches/?lat=*")
    assert page.get_by_role("alert").count() == 0, page.get_by_role("alert").inner_text()
    assert [name for name, _ in nearest(page)] == ["Eastholme", "Middleton", "Westbury"]


def test_no_serious_accessibility_violations(live_server, organising, new_context, axe_source):
    # The site's Content-Security-Policy (script-src 'self') would block the injected axe-core.
    page = new_context(bypass_csp=True).new_page()
    blocking = {}
    paths = [
        "/events/",
        organising.meeting_url,
        organising.picket_url,
        "/branches/",
        "/branches/?q=M5+4WT",
        "/branches/?q=ZZ99+9ZZ",
        organising.branch_url,
        organising.region_url,
    ]
    for path in paths:
        page.goto(live_server.url + path)
        if path == "/events/":  # the audit covers a cancelled event's row
            cancelled = page.locator(".event-row--cancelled")
            assert organising.picket_title in cancelled.inner_text()
            assert cancelled.locator(".status--cancelled").inner_text().lower() == "cancelled"
        violations = run_axe(page, axe_source)
        print(f"axe-core on {path}:\n{describe(violations) or '  no violations'}")
        found = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if found:
            blocking[path] = found
    assert not blocking, "axe-core found serious or critical problems:\n" + "\n".join(
        f"{path}:\n{describe(found)}" for path, found in blocking.items()
    )


@pytest.mark.parametrize("path", ["/events/", "/branches/", "/branches/?q=M5+4WT"])
def test_pages_load_nothing_from_other_hosts(live_server, organising, new_context, path):
    page = new_context().new_page()
    requests, errors = watch(page)

    page.goto(live_server.url + path, wait_until="networkidle")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")

    paths = [urlsplit(url).path for url in requests]
    assert any(p.endswith("/site.css") for p in paths), requests
    if path.startswith("/branches/"):
        # The locator's script comes from this host, and runs under script-src 'self'.
        assert any(p.endswith("/organising/locate.js") for p in paths), requests
        assert page.get_by_role("button", name="Use my location").is_visible()
    elsewhere = other_hosts(requests, live_server.url)
    assert not elsewhere, f"{path} loaded from other hosts: {elsewhere}"
    problems = browser_problems(errors)
    assert not problems, f"browser errors on {path}: {problems}"


def test_events_diary_on_a_narrow_phone(live_server, organising, new_context, screenshot_dir):
    page = new_context(viewport=NARROW_PHONE, device_scale_factor=2, is_mobile=True).new_page()
    page.goto(live_server.url + "/events/")
    assert page.locator(".event-day").count() >= 3
    assert page.locator(".event-row--cancelled").count() == 1

    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= NARROW_PHONE["width"], (
        f"the events diary is {width}px wide on a {NARROW_PHONE['width']}px screen"
    )
    for box in [row.bounding_box() for row in page.locator(".event-row").all()]:
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW_PHONE["width"], box

    path = screenshot_dir / "events-360.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
