"""Joining, subscribing and donating on a phone, in a real browser: the join page and its
membership drive, the form filled in by keyboard and mouse with and without JavaScript, its
mistakes shown beside the fields, the way from the subscribe and donate forms to the page
that says how to pay, an accessibility audit of each, and nothing loaded from other hosts."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from test_reading import browser_problems, describe, other_hosts, watch

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback puts back the site tree that
    # the data migrations created after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 812}
# Crockford's base 32 without I, L, O and U, in two groups of four: "D-7K3M-9QX2".
REFERENCE = r"[SD]-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"
HONEYPOT = "Leave this box empty"
# Where a reader types "m5 4wt": Salford, 2.6 km from Middleton, 46 km from Eastholme.
SALFORD = {"postal_code": "M5 4WT", "name": "Salford", "latitude": 53.48, "longitude": -2.28}
BRANCHES = {"Middleton": (53.48, -2.24), "Eastholme": (53.48, -1.80)}


@pytest.fixture
def membership(paper):
    """Two regions with a branch each, a postcode the gazetteer knows, a national goal and a
    minimum for each region, and a few members counted towards them. The masthead's Join,
    Subscribe and Donate go to this site's own forms. Plain values only: the tests must not
    touch the database once the browser runs."""
    from wagtail.models import Site

    from clarion.core.models import PaperSettings
    from clarion.membership.models import MembershipGoal, MembershipSettings
    from clarion.membership.tests.factories import PersonFactory
    from clarion.organising.tests.factories import BranchFactory, PlaceFactory, RegionFactory

    site = Site.objects.get(is_default_site=True)
    settings = PaperSettings.for_site(site)
    settings.join_url = settings.subscribe_url = settings.donate_url = ""
    settings.save()
    options = MembershipSettings.for_site(site)

    north_west = RegionFactory(name="North West", sort_order=1)
    yorkshire = RegionFactory(name="Yorkshire", sort_order=2)
    branches = {
        name: BranchFactory(
            name=name,
            region=north_west if name == "Middleton" else yorkshire,
            latitude=lat,
            longitude=lon,
            meeting_pattern="every second Tuesday at 7.30pm",
        )
        for name, (lat, lon) in BRANCHES.items()
    }
    PlaceFactory(**SALFORD)

    MembershipGoal.objects.create(region=None, target=1000)
    MembershipGoal.objects.create(region=north_west, target=3)
    MembershipGoal.objects.create(region=yorkshire, target=2)
    # North West has reached its minimum (3 of 3), Yorkshire not yet (1 of 2); 4 in all. A
    # person who has asked to join but is not yet a member is not counted.
    for name in ["Middleton", "Middleton", "Middleton", "Eastholme"]:
        PersonFactory(branch=branches[name], member_since="2026-01-05")
    PersonFactory(branch=branches["Middleton"], member_since=None)

    return SimpleNamespace(
        branch="Middleton",
        branch_url=branches["Middleton"].get_absolute_url(),
        meeting_pattern="every second Tuesday at 7.30pm",
        interests=options.interest_choices(),
        join_consent=options.join_consent,
        bank_details=options.bank_details.splitlines(),
    )


@pytest.fixture
def browser(membership, browser):
    """Chromium starts only once the membership data is in (see conftest's `browser`)."""
    return browser


@pytest.fixture
def inbox(settings):
    """A real SMTP server on a local port: the mail the forms send arrives in its list."""
    from clarion.membership.tests.smtp import smtp_inbox

    with smtp_inbox(settings) as received:
        yield received


@pytest.fixture
def phone(new_context, axe_source):
    """A phone-sized browser context with axe-core added to every page before the page's
    own scripts (as the browser's own script, so the site's Content-Security-Policy still
    holds for everything else): phone(java_script_enabled=False) for one without."""

    def make(**options):
        context = new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, **options)
        if options.get("java_script_enabled", True):
            context.add_init_script(script=axe_source)
        return context

    return make


def audit(page):
    """axe-core's violations on the page as it is now: [{id, impact, help, targets}, …]."""
    return page.evaluate(
        """async () => {
            const results = await axe.run(document);
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }"""
    )


def assert_accessible(page, what):
    violations = audit(page)
    print(f"axe-core on {what}:\n{describe(violations) or '  no violations'}")
    assert not violations, f"axe-core found problems on {what}:\n{describe(violations)}"


def assert_fits(page, what):
    """Nothing wider than the phone's screen: no sideways scrolling."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what} is {overflow}px wider than a {PHONE['width']}px screen"


def assert_stayed_home(page, requests, errors, live_server, sent_back=0):
    """Everything came from this site, and the browser reported no problem but the
    `sent_back` forms answered 400 Bad Request (a form sent back to mend)."""
    page.wait_for_load_state("networkidle")
    elsewhere = other_hosts(requests, live_server.url)
    assert not elsewhere, f"loaded from other hosts: {elsewhere}"
    problems = browser_problems(errors)
    bad_request = "the server responded with a status of 400 (Bad Request)"
    assert sum(bad_request in problem for problem in problems) == sent_back, problems
    problems = [problem for problem in problems if bad_request not in problem]
    assert not problems, f"browser errors: {problems}"


def focused(page):
    """What has the keyboard focus: its name attribute, else its text (a button)."""
    return page.evaluate(
        "() => document.activeElement.getAttribute('name') "
        "|| document.activeElement.innerText.trim()"
    )


def test_join_page_on_a_phone(live_server, membership, phone, screenshot_dir):
    page = phone().new_page()
    requests, errors = watch(page)
    page.goto(live_server.url + "/")
    page.locator(".cta-links").get_by_role("link", name="Join").click()
    page.wait_for_url(live_server.url + "/join/")
    assert page.get_by_role("heading", level=1).inner_text() == "Join Workers' League"
    assert_fits(page, "the join page")

    # The drive: how many members against the national goal, and each region's minimum.
    drive = page.get_by_role("region", name="Membership drive")
    expect(drive).to_be_visible()
    expect(drive.locator(".drive__national")).to_have_text("4 of 1,000 members")
    bar = drive.get_by_role("progressbar", name="Membership drive")
    expect(bar).to_have_attribute("value", "4")
    expect(bar).to_have_attribute("max", "1000")
    expect(drive).to_contain_text("1 of 2 regions have reached their minimum.")
    table = drive.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Region", "Members", "Minimum"])
    rows = table.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("rowheader")).to_have_text("North West")
    expect(rows.nth(0).get_by_role("cell")).to_have_text(["3", "3 ✓"])
    expect(rows.nth(1).get_by_role("rowheader")).to_have_text("Yorkshire")
    expect(rows.nth(1).get_by_role("cell")).to_have_text(["1", "2"])
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    # The honeypot is for programs: not on the screen, not in the accessibility tree…
    trap = page.locator("input[name=website]")
    expect(trap).to_have_count(1)
    trap_box = trap.bounding_box()
    assert trap_box is None or trap_box["x"] + trap_box["width"] <= 0, trap_box
    expect(page.get_by_role("textbox", name=HONEYPOT)).to_have_count(0)
    expect(page.get_by_text(HONEYPOT)).not_to_be_in_viewport()
    # …and not a stop for the keyboard, which goes through the fields in the order shown.
    page.get_by_label("Your name").focus()
    stops = [focused(page)]
    while stops[-1] != "Join" and len(stops) < 30:
        page.keyboard.press("Tab")
        stops.append(focused(page))
    interests = ["interests"] * len(membership.interests)
    assert stops == ["name", "email", "phone", "where", *interests, "message", "consent", "Join"]

    assert_stayed_home(page, requests, errors, live_server)
    assert_accessible(page, "/join/")
    path = screenshot_dir / "join-375.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_joining_by_keyboard_and_mouse(live_server, membership, phone, inbox, javascript):
    page = phone(java_script_enabled=javascript).new_page()
    requests, errors = watch(page)
    page.goto(live_server.url + "/join/")

    page.get_by_text("Your name", exact=True).click()  # the label puts the cursor in its box
    page.keyboard.type("Rosa Kettle")
    page.keyboard.press("Tab")
    page.keyboard.type("rosa@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("07700 900456")
    page.keyboard.press("Tab")
    page.keyboard.type("m5 4wt")
    page.get_by_text("Selling the paper", exact=True).click()
    page.get_by_label("Anything you would like to tell us").click()
    page.keyboard.type("I can do Saturday stalls.")
    consent = page.get_by_role("checkbox", name=membership.join_consent)
    consent.focus()
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    expect(page.get_by_role("checkbox", name="Selling the paper")).to_be_checked()
    page.get_by_role("button", name="Join").click()

    page.wait_for_url(re.compile(re.escape(live_server.url + "/join/thanks/?r=") + r".+"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        f"Your nearest branch is {membership.branch}, which meets "
        f"{membership.meeting_pattern}. An organiser there will be in touch."
    )
    expect(main).to_contain_text("We have sent you an email: please open the link in it")
    expect(main.get_by_role("link", name=membership.branch)).to_have_attribute(
        "href", membership.branch_url
    )
    # The page's address can be shared or kept in a history: it names nobody.
    html = page.content()
    for detail in ["Rosa Kettle", "rosa@example.org", "07700 900456", "m5 4wt", "M5 4WT"]:
        assert detail not in html and detail not in page.url
    assert_fits(page, "the thank-you page")
    assert_stayed_home(page, requests, errors, live_server)

    # The email the page promised has arrived, with the link to confirm the address.
    (message,) = inbox.to("rosa@example.org")
    assert "/join/confirm/" in message.get_body(preferencelist=("plain",)).get_content()


def test_mistakes_are_shown_beside_the_fields(
    live_server, membership, phone, inbox, screenshot_dir
):
    page = phone().new_page()
    requests, errors = watch(page)
    page.goto(live_server.url + "/join/")
    page.get_by_label("Email address").fill("rosa@example")
    page.get_by_label("Your postcode or town").fill("M5 4WT")
    page.get_by_label("Writing for the paper").check()
    page.get_by_label("Anything you would like to tell us").fill("Evenings are best.")
    page.get_by_label(membership.join_consent).check()
    page.get_by_role("button", name="Join").click()
    page.wait_for_load_state()

    assert page.url == live_server.url + "/join/"
    expect(page.get_by_role("alert")).to_have_text("Please check the form: 2 things need changing.")
    for label, error in [
        ("Your name", "This field is required."),
        ("Email address", "Enter a valid email address."),
    ]:
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(error)
        # The message sits just under its box, where the reader is looking.
        message = page.locator(".field-error", has_text=error)
        expect(message).to_be_visible()
        box, under = field.bounding_box(), message.bounding_box()
        gap = under["y"] - (box["y"] + box["height"])
        assert 0 <= gap < 24 and abs(under["x"] - box["x"]) < 8, (label, box, under)
    # What was typed is kept, to be mended rather than typed again.
    expect(page.get_by_label("Email address")).to_have_value("rosa@example")
    expect(page.get_by_label("Your postcode or town")).to_have_value("M5 4WT")
    expect(page.get_by_label("Writing for the paper")).to_be_checked()
    expect(page.get_by_label("Going to meetings")).not_to_be_checked()
    expect(page.get_by_label("Anything you would like to tell us")).to_have_value(
        "Evenings are best."
    )
    expect(page.get_by_label(membership.join_consent)).to_be_checked()
    expect(page.get_by_label("Phone number")).not_to_have_attribute("aria-invalid", "true")
    assert_fits(page, "the join page with mistakes")
    assert_accessible(page, "/join/ with mistakes")
    path = screenshot_dir / "join-mistakes-375.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0

    # Mended, it goes through.
    page.get_by_label("Your name").fill("Rosa Kettle")
    page.get_by_label("Email address").fill("rosa@example.org")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + "/join/thanks/")))
    expect(page.get_by_role("main")).to_contain_text(f"Your nearest branch is {membership.branch}")
    assert_stayed_home(page, requests, errors, live_server, sent_back=1)


def payment_details(page):
    """The payment page's facts, {term: description}."""
    facts = page.locator("dl.payment")
    terms = facts.locator("dt").all_inner_texts()
    return dict(zip(terms, facts.locator("dd").all_inner_texts(), strict=True))


def assert_unbroken(page, reference):
    """Wherever the page gives the reference, it is on one line, to be copied as it is: not
    broken at a hyphen into "D-" and "7K3M-9QX2" on a narrow screen."""
    places = page.get_by_role("main").locator("strong", has_text=reference)
    assert places.count() >= 2  # in the facts, and in what to tell the bank
    for place in places.all():
        lines = place.evaluate("element => element.getClientRects().length")
        assert lines == 1, f"{reference} is broken over {lines} lines"


def test_subscribing_to_the_paper_in_print(live_server, membership, phone):
    page = phone().new_page()
    requests, errors = watch(page)
    page.goto(live_server.url + "/")
    page.locator(".cta-links").get_by_role("link", name="Subscribe").click()
    page.wait_for_url(live_server.url + "/subscribe/")
    assert_fits(page, "the subscribe page")
    assert_accessible(page, "/subscribe/")

    page.get_by_label("Print, by post: £52 a year").check()
    page.get_by_label("Your name").fill("Tom Mann")
    page.get_by_label("Email address").fill("tom@example.org")
    page.get_by_label("Postal address").fill("12 Canal Street\nSalford\nM5 4WT")
    expect(page.get_by_label("Bank transfer")).to_be_checked()  # the first way, chosen
    expect(page.get_by_role("group", name="How will you pay?")).to_have_accessible_description(
        "A bank transfer pays for one year, and we remind you when it is due; a standing "
        "order pays every year until you stop it."
    )
    page.get_by_role("checkbox", name="I agree that the paper may keep my details").check()
    page.get_by_role("button", name="Subscribe").click()

    page.wait_for_url(re.compile(re.escape(live_server.url + "/pay/") + REFERENCE + "/$"))
    reference = page.url.rstrip("/").rsplit("/", 1)[1]
    assert page.get_by_role("heading", level=1).inner_text() == "Your subscription"
    assert payment_details(page) == {
        "Reference": reference,
        "Amount": "£52 for a year",
        "Paying by": "Bank transfer",
        "Status": "Awaiting payment",
    }
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Please transfer £52 to the account below, with {reference}")
    assert_unbroken(page, reference)
    for line in membership.bank_details:
        expect(main).to_contain_text(line)
    # Anyone with the reference may open this page: it shows nothing of who is paying.
    html = page.content()
    for detail in ["Tom Mann", "tom@example.org", "12 Canal Street"]:
        assert detail not in html
    assert_fits(page, "the payment page")
    assert_stayed_home(page, requests, errors, live_server)
    assert_accessible(page, f"the payment page for {reference}")


def test_donating_every_month_by_standing_order(live_server, membership, phone, screenshot_dir):
    page = phone().new_page()
    requests, errors = watch(page)
    page.goto(live_server.url + "/")
    page.locator(".cta-links").get_by_role("link", name="Donate").click()
    page.wait_for_url(live_server.url + "/donate/")
    assert_fits(page, "the donate page")
    assert_accessible(page, "/donate/")

    page.get_by_label("Another amount", exact=True).check()
    page.get_by_label("Another amount (GBP)").fill("12.50")
    expect(page.get_by_label("Once")).to_be_checked()
    page.get_by_label("Standing order").check()
    page.get_by_label("Your name").fill("Ellen Wilkinson")
    page.get_by_label("Email address").fill("ellen@example.org")
    page.get_by_role("checkbox", name="I agree that the organisation may keep my details").check()
    page.get_by_role("button", name="Donate").click()

    # A standing order for a single gift: the choice of payment is sent back to change, the
    # reason beside it and read out with the group (a screen reader on a radio button
    # announces its group's description), and the rest kept.
    page.wait_for_load_state()
    assert page.url == live_server.url + "/donate/"
    repeats = "A standing order repeats: for a single gift, choose bank transfer."
    expect(page.get_by_role("alert")).to_have_text(
        "Please check the form: one thing needs changing."
    )
    paying = page.get_by_role("group", name="How will you pay?")
    expect(paying).to_have_accessible_description(repeats)
    message = page.locator(".field-error", has_text=repeats)
    expect(message).to_be_visible()
    gap = message.bounding_box()["y"] - page.get_by_label("Standing order").bounding_box()["y"]
    assert 0 < gap < 60, gap
    expect(page.get_by_label("Another amount", exact=True)).to_be_checked()
    expect(page.get_by_label("Another amount (GBP)")).to_have_value("12.50")
    expect(page.get_by_label("Standing order")).to_be_checked()
    expect(page.get_by_label("Your name")).to_have_value("Ellen Wilkinson")
    expect(page.get_by_label("Email address")).to_have_value("ellen@example.org")
    assert_accessible(page, "/donate/ with a mistake")

    page.get_by_label("Every month").check()
    page.get_by_role("button", name="Donate").click()

    page.wait_for_url(re.compile(re.escape(live_server.url + "/pay/D-") + r".+"))
    reference = page.url.rstrip("/").rsplit("/", 1)[1]
    assert re.fullmatch(REFERENCE, reference) and reference.startswith("D-"), reference
    assert page.get_by_role("heading", level=1).inner_text() == "Your donation"
    assert payment_details(page) == {
        "Reference": reference,
        "Amount": "£12.50 every month",
        "Paying by": "Standing order",
        "Status": "Awaiting payment",
    }
    expect(page.get_by_role("main")).to_contain_text(
        f"Please ask your bank to set up a standing order of £12.50 every month to the "
        f"account below, with {reference} as the payment reference"
    )
    assert_unbroken(page, reference)
    html = page.content()
    for detail in ["Ellen Wilkinson", "ellen@example.org"]:
        assert detail not in html
    assert_fits(page, "the payment page")
    assert_stayed_home(page, requests, errors, live_server, sent_back=1)
    assert_accessible(page, f"the payment page for {reference}")
    path = screenshot_dir / "payment-375.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
