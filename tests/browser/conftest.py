"""Browser tests: Playwright's sync API driving Debian's Chromium (never a downloaded browser)
against pytest-django's live server, with axe-core from npm for the accessibility audit.

Without /usr/bin/chromium or node_modules/axe-core the tests are skipped, unless
CLARION_REQUIRE_BROWSER=1 (as on CI), when they fail instead.
"""

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing_tools():
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.is_file():
        missing.append(f"{AXE_JS.relative_to(ROOT)} (npm ci)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    return missing


def _browser_required():
    return os.environ.get("CLARION_REQUIRE_BROWSER", "").strip() == "1"


def pytest_collection_modifyitems(config, items):
    """Without the tools, skip at collection, before any test database is created."""
    missing = _missing_tools()
    if not missing or _browser_required():
        return  # with CLARION_REQUIRE_BROWSER=1 the browser_tools fixture fails each test
    skip = pytest.mark.skip(reason="browser tests need " + " and ".join(missing))
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_tools():
    """Skips (or, with CLARION_REQUIRE_BROWSER=1, fails) when the browser tools are missing."""
    missing = _missing_tools()
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if _browser_required():
            pytest.fail(f"CLARION_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return {"chromium": CHROMIUM, "axe": AXE_JS}


@pytest.fixture
def browser(browser_tools, live_server, paper, monkeypatch):
    """Chromium, started for each test once its content is in the database, and stopped
    before the test's database teardown.

    While Playwright's sync API is running, the thread has a running asyncio loop, and Django
    then hands out a different, context-local database connection: one that has not got the
    data serialized for serialized_rollback and that nothing closes. So the tests do their
    database work (the `paper` fixture) before the browser starts, and none while it runs.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's running event loop makes Django refuse ORM calls from this thread. Allowed
    # only while the browser runs, so the rest of the suite keeps Django's async-safety check.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(browser_tools["chromium"]), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser):
    """Makes browser contexts (closed after the test): new_context(viewport=…, bypass_csp=…)."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe_source(browser_tools):
    return browser_tools["axe"].read_text(encoding="utf-8")


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def paper(transactional_db):
    """A small paper: categories, topics, an author, an edition with two headings and articles
    under them, related articles by topic, and the paper's calls to action and contacts."""
    from wagtail.models import Site

    from clarion.core.models import PaperSettings
    from clarion.editions.models import EditionIndexPage
    from clarion.home.models import HomePage
    from clarion.newsroom.models import ArticleIndexPage, Topic
    from clarion.newsroom.tests.factories import (
        ArticleFactory,
        AuthorFactory,
        CategoryFactory,
        EditionFactory,
        EditionSectionFactory,
        TopicFactory,
        credit,
    )

    # The site tree comes from a data migration; a transactional test's flush would remove it
    # unless the test restores it (serialized_rollback=True).
    home = HomePage.objects.get()
    assert ArticleIndexPage.objects.child_of(home).live().get().url_path == "/home/news/"
    assert EditionIndexPage.objects.child_of(home).live().get().url_path == "/home/editions/"
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk

    settings = PaperSettings.for_site(site)
    settings.paper_name = "The Clarion"
    settings.organisation_name = "Workers' League"
    settings.tagline = "Weekly paper of the movement"
    settings.join_url = "https://join.example.org/"
    settings.subscribe_url = "https://shop.example.org/subscribe/"
    settings.donate_url = "https://donate.example.org/"
    settings.national_phone = "020 7946 0000"
    settings.text_to_join_number = "07700 900123"
    settings.save()

    international = CategoryFactory(name="International", sort_order=1)
    workplace = CategoryFactory(name="Workplace", sort_order=2)
    review = CategoryFactory(name="Review", sort_order=3)
    strikes = TopicFactory(name="Strikes", kind=Topic.Kind.THEME)
    housing = TopicFactory(name="Housing", kind=Topic.Kind.THEME)
    glasgow = TopicFactory(name="Glasgow", kind=Topic.Kind.PLACE)
    writer = AuthorFactory(name="Maria Ivanova", bio="Industrial correspondent.")

    edition = EditionFactory(number=1203, date=datetime.date(2026, 6, 3))
    news = EditionSectionFactory(edition=edition, heading="News", sort_order=0)
    analysis = EditionSectionFactory(edition=edition, heading="Analysis", sort_order=1)

    def at(day, hour):
        from django.utils import timezone

        return timezone.make_aware(datetime.datetime(2026, 6, day, hour, 0))

    body = [
        {
            "type": "paragraph",
            "value": "<p>Bin workers across the city walked out on Monday morning after "
            "the council tore up its pay offer, and pickets were out at every depot by six.</p>",
        },
        {"type": "crosshead", "value": "Solidarity from the depots"},
        {
            "type": "paragraph",
            "value": "<p>Drivers and loaders said the action would continue until the "
            "offer was restored in full. Residents brought tea and bacon rolls to the lines.</p>",
        },
        {
            "type": "quote",
            "value": {
                "text": "We kept this city clean through the pandemic. Now they want us to "
                "pay for their cuts.",
                "attribution": "A loader at the Polmadie depot",
            },
        },
        {
            "type": "fact_box",
            "value": {
                "title": "The dispute in numbers",
                "text": "<ul><li>1,400 workers balloted</li><li>91% voted to strike</li></ul>",
            },
        },
        {
            "type": "editors_note",
            "value": "<p>This article was updated after the print edition went to press.</p>",
        },
    ]
    filed_under = {}  # title → topics, of the articles other than the lead

    def article(title, category, date, topics, section=None, position=0, **fields):
        page = ArticleFactory(
            title=title,
            category=category,
            date=date,
            topics=topics,
            edition=edition if section else None,
            edition_section=section,
            edition_position=position,
            **fields,
        )
        credit(page, writer)
        return page

    lead = article(
        "Glasgow bin workers strike against pay cut",
        workplace,
        at(2, 9),
        [strikes, glasgow],
        news,
        0,
        kicker="Glasgow",
        standfirst="Pickets at every depot as the council's offer falls apart.",
        dateline="Glasgow",
        body=body,
    )
    for title, category, date, topics, section, position in [
        ("Nurses vote for action over staffing", workplace, at(1, 15), [strikes], news, 1),
        ("Tenants block eviction in Govan", international, at(1, 11), [housing, glasgow], news, 2),
        ("Why the rent freeze has to be won", review, at(1, 9), [housing], analysis, 0),
        ("Dockers refuse to load arms shipments", international, at(1, 8), [strikes], analysis, 1),
        ("Web only: rally called for Saturday", workplace, at(1, 7), [strikes, glasgow], None, 0),
    ]:
        article(title, category, date, topics, section, position)
        filed_under[title] = topics

    home.lead_story = lead
    home.save_revision().publish()
    # Plain values only: the tests must not touch the database once the browser runs.
    return SimpleNamespace(
        lead_title=lead.title,
        lead_headline=f"{lead.kicker}: {lead.title}",
        lead_url=lead.url,
        print_url=lead.url + lead.reverse_subpage("printable"),
        # Every other article sharing a topic with the lead (at most 3 a topic, so all show).
        related_titles=[
            title for title, topics in filed_under.items() if {strikes, glasgow} & set(topics)
        ],
        author=writer.name,
        section_headings=[news.heading, analysis.heading],
        phone=settings.national_phone,
    )
