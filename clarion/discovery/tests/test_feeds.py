"""Atom, RSS and JSON feeds of the paper and of each category, topic, author and edition:
what they carry, what they leave out, conditional GET, discovery links and query budgets."""

import calendar
import datetime
import json
from types import SimpleNamespace

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.utils.http import http_date
from wagtail.models import PageViewRestriction

from clarion.core.content_version import clear_caches
from clarion.newsroom.models import Topic
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    EditionFactory,
    ImageFactory,
    TopicFactory,
    credit,
    paper_settings,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
XML_FORMATS = ("atom", "rss")
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
# Queries for one feed with a cold cache, the same for 5 or 20 items: content version 1,
# restricted pages 1, site 1, paper settings 1, articles 1, their authors 1, their topics 1,
# site root paths 1 (= 8); plus looking up the category, topic, author or edition.
FEED_QUERIES = {"site": 8, "category": 9, "topic": 9, "author": 9, "edition": 9}
# With the full text: + the bodies' images 1, their renditions 1.
FULL_TEXT_QUERIES = FEED_QUERIES["site"] + 2


def at(day, hour=12):
    return datetime.datetime(2026, 6, day, hour, 0, tzinfo=UTC)


def get_feed(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response


def parse(client, url):
    """A feed read by feedparser, which must find nothing wrong with it."""
    response = get_feed(client, url)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


def read_json(client, url):
    response = get_feed(client, url)
    assert response["Content-Type"] == CONTENT_TYPES["json"]
    return json.loads(response.content)


def utc(struct):
    return datetime.datetime.fromtimestamp(calendar.timegm(struct), UTC)


def whole_seconds(moment):
    return moment.replace(microsecond=0)


def titles(client, url):
    """Entry titles, in order, the same in the feed's Atom, RSS and JSON forms."""
    atom, rss = (
        [entry.title for entry in parse(client, f"{url}{fmt}/").entries] for fmt in XML_FORMATS
    )
    json_titles = [item["title"] for item in read_json(client, f"{url}json/")["items"]]
    assert atom == rss == json_titles, url
    return atom


@pytest.fixture
def paper(db):
    """A small paper: the lead story with a kicker, two authors and two topics; other articles
    in the same category, topic and edition; a draft and a members-only article."""
    paper_settings(paper_name="The Clarion", tagline="Weekly paper of the movement")
    workplace = CategoryFactory(name="Workplace", description="Strikes, unions and the job")
    review = CategoryFactory(name="Review")
    strikes = TopicFactory(name="Strikes")
    glasgow = TopicFactory(name="Glasgow", kind=Topic.Kind.PLACE)
    maria = AuthorFactory(name="Maria Ivanova")
    ivan = AuthorFactory(name="Ivan Petrov")
    edition = EditionFactory(number=1203, date=datetime.date(2026, 6, 3))

    lead = ArticleFactory(
        title="Bin workers strike against pay cut",
        kicker="Glasgow",
        standfirst="Pickets at every depot as the council's offer falls apart.",
        category=workplace,
        topics=[strikes, glasgow],
        edition=edition,
        date=at(3, 9),
    )
    credit(lead, maria, ivan)
    nurses = ArticleFactory(
        title="Nurses vote for action over staffing",
        category=workplace,
        topics=[strikes],
        edition=edition,
        date=at(2, 15),
    )
    credit(nurses, maria)
    rent = ArticleFactory(
        title="Why the rent freeze has to be won",
        byline="Our housing correspondent",
        category=review,
        topics=[glasgow],
        date=at(1, 9),
    )
    draft = ArticleFactory(
        title="Draft: not yet published",
        category=workplace,
        topics=[strikes],
        edition=edition,
        date=at(4),
        live=False,
    )
    credit(draft, maria)
    secret = ArticleFactory(
        title="Members-only briefing",
        category=workplace,
        topics=[strikes, glasgow],
        edition=edition,
        date=at(5),
    )
    credit(secret, maria)
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    return SimpleNamespace(
        workplace=workplace,
        review=review,
        strikes=strikes,
        glasgow=glasgow,
        maria=maria,
        ivan=ivan,
        edition=edition,
        lead=lead,
        nurses=nurses,
        rent=rent,
        lead_title="Glasgow: Bin workers strike against pay cut",
    )


def feed_urls(paper):
    """The base URL (add atom/, rss/ or json/) of each feed, and what it lists, newest first."""
    lead, nurses, rent = paper.lead_title, paper.nurses.title, paper.rent.title
    return {
        "/feeds/": [lead, nurses, rent],
        "/feeds/category/workplace/": [lead, nurses],
        "/feeds/category/review/": [rent],
        "/feeds/topic/strikes/": [lead, nurses],
        "/feeds/topic/glasgow/": [lead, rent],
        "/feeds/author/maria-ivanova/": [lead, nurses],
        "/feeds/author/ivan-petrov/": [lead],
        "/feeds/edition/1203/": [lead, nurses],
    }


# What the feeds carry ---------------------------------------------------------------------


def test_every_feed_parses_and_lists_its_readable_articles_newest_first(client, paper):
    for url, expected in feed_urls(paper).items():
        assert titles(client, url) == expected, url


def test_drafts_and_members_only_articles_are_in_no_feed(client, paper):
    for url in feed_urls(paper):
        for fmt in ("atom", "rss", "json"):
            body = get_feed(client, f"{url}{fmt}/").content.decode()
            assert "Members-only briefing" not in body, url
            assert "Draft: not yet published" not in body, url


def test_feed_titles_and_links_name_what_they_follow(client, paper):
    expected = {
        "/feeds/": ("The Clarion", "http://testserver/", "Weekly paper of the movement"),
        "/feeds/category/workplace/": (
            "The Clarion: Workplace",
            "http://testserver/category/workplace/",
            "Strikes, unions and the job",
        ),
        "/feeds/topic/strikes/": (
            "The Clarion: Strikes",
            "http://testserver/topics/strikes/",
            "The latest articles on Strikes",
        ),
        "/feeds/author/maria-ivanova/": (
            "The Clarion: Maria Ivanova",
            "http://testserver/authors/maria-ivanova/",
            "The latest articles by Maria Ivanova",
        ),
        "/feeds/edition/1203/": (
            "The Clarion: Issue 1203",
            f"http://testserver{paper.edition.url}",
            "Issue 1203, 3 June 2026",
        ),
    }
    for url, (title, link, description) in expected.items():
        atom = parse(client, f"{url}atom/").feed
        assert (atom.title, atom.link) == (title, link), url
        assert atom.id == link
        assert [lk.href for lk in atom.links if lk.rel == "self"] == [
            f"http://testserver{url}atom/"
        ]
        rss = parse(client, f"{url}rss/").feed
        assert (rss.title, rss.link, rss.subtitle) == (title, link, description), url
        data = read_json(client, f"{url}json/")
        assert (data["title"], data["home_page_url"], data["description"]) == (
            title,
            link,
            description,
        )
        assert data["feed_url"] == f"http://testserver{url}json/"


def test_atom_entry_carries_dates_id_link_authors_categories_and_summary(client, paper):
    lead = paper.lead
    entry = parse(client, "/feeds/atom/").entries[0]

    assert entry.title == "Glasgow: Bin workers strike against pay cut"
    assert entry.id == f"http://testserver/a/{lead.pk}/"
    assert lead.url == "/news/bin-workers-strike-against-pay-cut/"
    assert entry.link == f"http://testserver{lead.url}"
    assert utc(entry.published_parsed) == lead.date == at(3, 9)
    assert utc(entry.updated_parsed) == whole_seconds(lead.last_published_at)
    assert [author.name for author in entry.authors] == ["Maria Ivanova", "Ivan Petrov"]
    assert entry.authors[0].href == "http://testserver/authors/maria-ivanova/"
    assert [tag.term for tag in entry.tags] == ["Workplace", "Strikes", "Glasgow"]
    assert entry.summary == "Pickets at every depot as the council's offer falls apart."
    assert "content" not in entry  # only the standfirst, unless the paper says otherwise


def test_rss_item_carries_dates_guid_link_authors_categories_and_description(client, paper):
    lead = paper.lead
    item = parse(client, "/feeds/rss/").entries[0]

    assert item.title == "Glasgow: Bin workers strike against pay cut"
    assert item.id == f"http://testserver/a/{lead.pk}/"
    guid = f'<guid isPermaLink="true">http://testserver/a/{lead.pk}/</guid>'
    assert guid in get_feed(client, "/feeds/rss/").content.decode()  # it redirects there
    assert item.link == f"http://testserver{lead.url}"
    assert utc(item.published_parsed) == at(3, 9)
    assert [author.name for author in item.authors] == ["Maria Ivanova", "Ivan Petrov"]
    assert [tag.term for tag in item.tags] == ["Workplace", "Strikes", "Glasgow"]
    assert item.summary == "Pickets at every depot as the council's offer falls apart."


def test_json_feed_item_carries_dates_id_link_authors_tags_and_summary(client, paper):
    lead = paper.lead
    data = read_json(client, "/feeds/json/")
    item = data["items"][0]

    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert item["id"] == f"http://testserver/a/{lead.pk}/"
    assert item["url"] == f"http://testserver{lead.url}"
    assert item["title"] == "Glasgow: Bin workers strike against pay cut"
    assert datetime.datetime.fromisoformat(item["date_published"]) == at(3, 9)
    assert datetime.datetime.fromisoformat(item["date_modified"]) == lead.last_published_at
    assert item["authors"] == [
        {"name": "Maria Ivanova", "url": "http://testserver/authors/maria-ivanova/"},
        {"name": "Ivan Petrov", "url": "http://testserver/authors/ivan-petrov/"},
    ]
    assert item["tags"] == ["Workplace", "Strikes", "Glasgow"]
    assert item["summary"] == item["content_text"] == lead.standfirst
    assert "content_html" not in item
    for each in data["items"]:  # every item has an id and some content, as the spec asks
        assert isinstance(each["id"], str) and ("content_text" in each or "content_html" in each)


def test_without_linked_authors_the_byline_is_the_author(client, paper):
    by_url = {entry.link: entry for entry in parse(client, "/feeds/atom/").entries}
    rent = by_url[f"http://testserver{paper.rent.url}"]
    assert [author.name for author in rent.authors] == ["Our housing correspondent"]
    rss = parse(client, "/feeds/rss/").entries[-1]
    assert rss.author == "Our housing correspondent"
    item = read_json(client, "/feeds/json/")["items"][-1]
    assert item["authors"] == [{"name": "Our housing correspondent"}]


def test_the_feed_shows_the_newest_articles_up_to_the_setting(client, db):
    for day in range(1, 8):
        ArticleFactory(title=f"Day {day}", date=at(day))
    with override_settings(CLARION_FEED_ITEMS=5):
        assert titles(client, "/feeds/") == [f"Day {day}" for day in range(7, 2, -1)]


def test_cyrillic_survives_in_every_format(client, db):
    topic = TopicFactory(name="Караганда", kind=Topic.Kind.PLACE)
    author = AuthorFactory(name="Мария Иванова")
    article = ArticleFactory(
        title="Шахтёры бастуют третью неделю",
        kicker="Казахстан",
        standfirst="Забастовка на шахте имени Ленина продолжается.",
        topics=[topic],
        language="ru",
    )
    credit(article, author)
    title = "Казахстан: Шахтёры бастуют третью неделю"

    for url in ("/feeds/", f"/feeds/topic/{topic.slug}/", f"/feeds/author/{author.slug}/"):
        assert titles(client, url) == [title], url
    entry = parse(client, "/feeds/atom/").entries[0]
    assert entry.summary == "Забастовка на шахте имени Ленина продолжается."
    assert entry.author == "Мария Иванова"
    assert [tag.term for tag in entry.tags] == ["International", "Караганда"]
    assert parse(client, f"/feeds/topic/{topic.slug}/atom/").feed.title == "The Clarion: Караганда"
    assert read_json(client, "/feeds/json/")["items"][0]["language"] == "ru"
    # UTF-8 on the wire, not character references
    assert "Шахтёры".encode() in get_feed(client, "/feeds/rss/").content


def test_special_characters_are_escaped_once(client, db):
    ArticleFactory(title="Bread & roses <now>", standfirst="Pay & conditions: <all> of it")
    entry = parse(client, "/feeds/atom/").entries[0]
    assert entry.title == "Bread & roses <now>"
    assert entry.summary == "Pay &amp; conditions: &lt;all&gt; of it"  # HTML for that text
    item = read_json(client, "/feeds/json/")["items"][0]
    assert (item["title"], item["summary"]) == (
        "Bread & roses <now>",
        "Pay & conditions: <all> of it",
    )


def test_an_empty_listing_is_an_empty_feed(client, db):
    CategoryFactory(name="Youth")
    for fmt in XML_FORMATS:
        assert parse(client, f"/feeds/category/youth/{fmt}/").entries == []
    assert read_json(client, "/feeds/category/youth/json/")["items"] == []


# Full text -----------------------------------------------------------------------------------


def test_the_full_text_setting_switches_between_standfirst_and_body(client, paper):
    image = ImageFactory()
    paper.lead.body = [
        {"type": "paragraph", "value": '<p>Pickets were out <a href="/news/">early</a>.</p>'},
        {"type": "image", "value": {"image": image.pk, "caption": "The picket", "credit": ""}},
        {"type": "crosshead", "value": "What happens next"},
    ]
    paper.lead.save_revision().publish()

    assert "content" not in parse(client, "/feeds/atom/").entries[0]
    paper_settings(feeds_full_text=True)

    entry = parse(client, "/feeds/atom/").entries[0]
    body = entry.content[0].value
    assert entry.summary == paper.lead.standfirst  # the standfirst stays the summary
    assert "Pickets were out" in body and "What happens next" in body
    assert '<a href="http://testserver/news/">early</a>' in body
    assert 'src="http://testserver/media/images/' in body  # absolute, for feed readers
    assert "The picket" in body
    assert 'class="block-' not in body  # block by block, as on the article page

    item = parse(client, "/feeds/rss/").entries[0]
    assert item.summary == paper.lead.standfirst
    assert "What happens next" in item.content[0].value
    data = read_json(client, "/feeds/json/")["items"][0]
    assert "What happens next" in data["content_html"] and "content_text" not in data
    assert data["summary"] == paper.lead.standfirst

    paper_settings(feeds_full_text=False)
    assert "content" not in parse(client, "/feeds/atom/").entries[0]


# Conditional GET -----------------------------------------------------------------------------


def test_a_feed_answers_304_to_its_etag_or_its_last_modified(client, paper):
    for url in ("/feeds/atom/", "/feeds/rss/", "/feeds/json/", "/feeds/topic/glasgow/rss/"):
        first = get_feed(client, url)
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('W/"')

        again = client.get(url, headers={"if-none-match": etag})
        assert again.status_code == 304, url
        assert again["ETag"] == etag and again["Last-Modified"] == modified
        assert again.content == b""
        assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
        assert client.head(url, headers={"if-none-match": etag}).status_code == 304
        assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_last_modified_is_when_the_newest_change_was_published(client, paper):
    response = get_feed(client, "/feeds/atom/")
    newest = max(a.last_published_at for a in (paper.lead, paper.nurses, paper.rent))
    assert response["Last-Modified"] == http_date(newest.timestamp())
    earlier = http_date(newest.timestamp() - 60)
    assert client.get("/feeds/atom/", headers={"if-modified-since": earlier}).status_code == 200


def test_the_etag_changes_with_what_the_feed_says(client, paper):
    url = "/feeds/category/workplace/atom/"
    seen = {get_feed(client, url)["ETag"]}

    def changed():
        etag = get_feed(client, url)["ETag"]
        assert etag not in seen
        seen.add(etag)
        return etag

    ArticleFactory(title="New story", category=paper.workplace, date=at(6))
    changed()
    paper.nurses.unpublish()
    changed()
    PageViewRestriction.objects.create(page=paper.lead, restriction_type="login")
    changed()
    paper_settings(feeds_full_text=True)
    changed()
    paper.workplace.name = "Work"
    paper.workplace.save()
    etag = changed()
    # … and a conditional GET with the old ETag now gets the whole feed
    assert client.get(url, headers={"if-none-match": next(iter(seen - {etag}))}).status_code == 200
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


# Addresses -----------------------------------------------------------------------------------


def test_unknown_or_odd_addresses_are_404_and_nothing_breaks(client, paper):
    for url in (
        "/feeds/category/nothing/atom/",
        "/feeds/topic/nothing/rss/",
        "/feeds/author/nobody/json/",
        "/feeds/edition/9999/atom/",
        "/feeds/edition/999999999/atom/",
        "/feeds/edition/99999999999999999999999/atom/",
        "/feeds/edition/-1/atom/",
        "/feeds/xml/",
        "/feeds/category/workplace/",
        "/feeds/category/караганда/atom/",
        "/feeds/category/%00/atom/",
        "/feeds/category/" + "x" * 300 + "/atom/",
        "/feeds/topic//rss/",
    ):
        assert client.get(url).status_code == 404, url
    missing_slash = client.get("/feeds/category/workplace/atom")
    assert missing_slash.status_code == 301
    assert missing_slash["Location"] == "/feeds/category/workplace/atom/"
    assert client.post("/feeds/atom/").status_code in (403, 405)
    assert client.get("/feeds/atom/?page=abc&format=xml").status_code == 200
    assert client.get("/feeds/atom/", headers={"if-modified-since": "garbage"}).status_code == 200
    assert client.get("/feeds/atom/", headers={"if-none-match": "garbage"}).status_code == 200


def test_an_unpublished_or_members_only_edition_has_no_feed(client, paper):
    hidden = EditionFactory(number=1204, date=datetime.date(2026, 6, 10))
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    EditionFactory(number=1205, date=datetime.date(2026, 6, 17), live=False)
    assert client.get("/feeds/edition/1204/atom/").status_code == 404
    assert client.get("/feeds/edition/1205/atom/").status_code == 404


# Discovery -----------------------------------------------------------------------------------


def alternates(client, url):
    page = BeautifulSoup(get_feed(client, url).content, "html.parser")
    return [
        (link["type"], link["href"], link["title"]) for link in page.select("link[rel=alternate]")
    ]


def test_pages_advertise_their_feeds_and_the_papers(client, paper):
    site = [
        ("application/atom+xml", "/feeds/atom/", "The Clarion (Atom)"),
        ("application/rss+xml", "/feeds/rss/", "The Clarion (RSS)"),
        ("application/feed+json", "/feeds/json/", "The Clarion (JSON Feed)"),
    ]

    def own(base, label):
        return [
            ("application/atom+xml", f"{base}atom/", f"The Clarion: {label} (Atom)"),
            ("application/rss+xml", f"{base}rss/", f"The Clarion: {label} (RSS)"),
            ("application/feed+json", f"{base}json/", f"The Clarion: {label} (JSON Feed)"),
        ]

    pages = {
        "/": site,
        "/news/": site,
        paper.lead.url: site,
        "/category/workplace/": own("/feeds/category/workplace/", "Workplace") + site,
        "/topics/strikes/": own("/feeds/topic/strikes/", "Strikes") + site,
        "/authors/maria-ivanova/": own("/feeds/author/maria-ivanova/", "Maria Ivanova") + site,
        paper.edition.url: own("/feeds/edition/1203/", "Issue 1203") + site,
    }
    for url, expected in pages.items():
        links = [link for link in alternates(client, url) if link[1].startswith("/feeds/")]
        assert links == expected, url
        for content_type, href, _title in links:
            response = get_feed(client, href)
            assert response["Content-Type"].split(";")[0] == content_type, href


# Query budgets -------------------------------------------------------------------------------


def measure(client, url, django_assert_max_num_queries, budget):
    """Queries for one request of `url` with a cold cache (after a first request made any
    image renditions)."""
    get_feed(client, url)
    clear_caches()
    with django_assert_max_num_queries(budget) as captured:
        response = get_feed(client, url)
    return len(captured), response


def test_feeds_use_the_same_queries_for_five_or_twenty_items(
    client, db, django_assert_max_num_queries
):
    category = CategoryFactory(name="Workplace")
    topic = TopicFactory(name="Strikes")
    author = AuthorFactory(name="Maria Ivanova")
    edition = EditionFactory(number=1300)
    image = ImageFactory()
    urls = {
        "site": "/feeds/",
        "category": "/feeds/category/workplace/",
        "topic": "/feeds/topic/strikes/",
        "author": "/feeds/author/maria-ivanova/",
        "edition": "/feeds/edition/1300/",
    }
    counts, total = [], 0
    for day, extra in ((1, 5), (2, 15)):  # 5 articles, then 20
        total += extra
        for _ in range(extra):
            article = ArticleFactory(
                category=category,
                topics=[topic, TopicFactory()],
                edition=edition,
                date=at(day),
                body=[
                    {"type": "paragraph", "value": "<p>Report.</p>"},
                    {"type": "image", "value": {"image": image.pk, "caption": "", "credit": ""}},
                ],
            )
            credit(article, author, AuthorFactory())
        measured = {}
        for name, base in urls.items():
            for fmt in ("atom", "rss", "json"):
                number, response = measure(
                    client, f"{base}{fmt}/", django_assert_max_num_queries, FEED_QUERIES[name]
                )
                measured[name, fmt] = number
                if fmt == "atom":
                    assert len(feedparser.parse(response.content).entries) == total
        paper_settings(feeds_full_text=True)
        for fmt in ("atom", "rss", "json"):
            number, response = measure(
                client, f"/feeds/{fmt}/", django_assert_max_num_queries, FULL_TEXT_QUERIES
            )
            measured["full text", fmt] = number
        assert response.content.count(b"/media/images/") == total
        paper_settings(feeds_full_text=False)
        counts.append(measured)

    five, twenty = counts
    assert five == twenty
    for (name, _fmt), number in five.items():
        assert number == (FULL_TEXT_QUERIES if name == "full text" else FEED_QUERIES[name])


def test_a_304_reads_no_more_than_the_feed_itself(client, paper, django_assert_max_num_queries):
    etag = get_feed(client, "/feeds/atom/")["ETag"]
    clear_caches()
    with django_assert_max_num_queries(FEED_QUERIES["site"]):
        assert client.get("/feeds/atom/", headers={"if-none-match": etag}).status_code == 304
