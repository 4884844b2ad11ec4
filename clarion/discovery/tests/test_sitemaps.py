"""Sitemaps and robots.txt: the index and its children are well-formed sitemaps.org XML with
absolute URLs of readable pages only, children split by blocks of ids, the Google News
sitemap holds the last two days, and a child costs the same few queries however full."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from clarion.core.content_version import clear_caches
from clarion.core.models import StandardPage
from clarion.discovery import sitemaps
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    EditionFactory,
    TopicFactory,
    credit,
    paper_settings,
)

pytestmark = pytest.mark.django_db

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SITEMAPS, "news": NEWS}
ROOT = "http://localhost"  # the default Wagtail site's address, as canonical links give it

# Queries for one child sitemap with a cold cache, however many URLs it holds: site 1,
# content version 1, restricted pages 1, site root paths 1, its first and last ids 1, the
# block of rows 1.
CHILD_QUERIES = 6


def at(day, hour=12):
    return datetime.datetime(2026, 6, day, hour, 0, tzinfo=datetime.UTC)


def fetch(client, url):
    """A sitemap, parsed: it must be well-formed XML served as XML."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def entries(root, element="url"):
    """{loc: lastmod} of a urlset (or of a sitemap index, with element='sitemap')."""
    assert root.tag == f"{{{SITEMAPS}}}{'sitemapindex' if element == 'sitemap' else 'urlset'}"
    found = {}
    for item in root.findall(f"sm:{element}", NS):
        loc = item.findtext("sm:loc", namespaces=NS)
        assert loc.startswith(f"{ROOT}/"), loc  # absolute, on the site's own address
        assert loc not in found, f"{loc} twice"
        found[loc] = item.findtext("sm:lastmod", namespaces=NS)
    return found


def children(client):
    return list(entries(fetch(client, "/sitemap.xml"), "sitemap"))


def path(url):
    return urlsplit(url).path


def article_children(client):
    return [url for url in children(client) if "/sitemaps/articles-" in url]


def all_urls(client, kind):
    """{loc: lastmod} over every child of one kind ('articles', 'topics', 'authors')."""
    found = {}
    for child in children(client):
        if f"/sitemaps/{kind}-" in child:
            found.update(entries(fetch(client, path(child))))
    return found


def moment(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def papers(db):
    """Published articles, and every kind that must stay out: a draft, an unpublished one,
    one behind a login and one behind a password."""
    published = [ArticleFactory(title=f"Published {n}", date=at(n + 1)) for n in range(5)]
    ArticleFactory(title="Draft", live=False)
    withdrawn = ArticleFactory(title="Withdrawn")
    withdrawn.unpublish()
    members = ArticleFactory(title="Members only")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    secret = ArticleFactory(title="Password only")
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    return published


# robots.txt ---------------------------------------------------------------------------------


def test_robots_txt_allows_all_but_the_admin_and_search_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert [line for line in lines if line.startswith("Disallow")] == [
        "Disallow: /admin/",
        "Disallow: /search/",
    ]
    assert f"Sitemap: {ROOT}/sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200


def test_robots_txt_uses_the_sites_own_address(client):
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="paper.example", port=443)

    body = client.get("/robots.txt").content.decode()

    assert "Sitemap: https://paper.example/sitemap.xml" in body


# The index and the article children ---------------------------------------------------------


def test_index_points_at_pages_news_and_numbered_children(client, papers):
    index = fetch(client, "/sitemap.xml")
    urls = list(entries(index, "sitemap"))

    assert urls[:2] == [f"{ROOT}/sitemaps/pages.xml", f"{ROOT}/sitemaps/news.xml"]
    assert f"{ROOT}/sitemaps/articles-1.xml" in urls
    for url in urls:  # every child it names is there, and well-formed
        fetch(client, path(url))


def test_article_children_list_readable_articles_only(client, papers):
    found = all_urls(client, "articles")

    assert set(found) == {article.full_url for article in papers}
    for article in papers:
        lastmod = moment(found[article.full_url])
        assert lastmod == article.last_published_at.replace(microsecond=0)


@override_settings(CLARION_SITEMAP_SIZE=3)
def test_children_are_blocks_of_ids(client, papers):
    more = [ArticleFactory(title=f"More {n}") for n in range(6)]
    readable = {article.pk: article for article in [*papers, *more]}
    blocks = {}
    for pk, article in readable.items():
        blocks.setdefault((pk - 1) // 3 + 1, set()).add(article.full_url)

    urls = article_children(client)

    numbers = [
        int(path(url).removeprefix("/sitemaps/articles-").removesuffix(".xml")) for url in urls
    ]
    # One child for every block from the first readable id to the last, in order.
    assert numbers == list(range(min(blocks), max(blocks) + 1))
    for number in numbers:
        held = entries(fetch(client, f"/sitemaps/articles-{number}.xml"))
        assert len(held) <= 3
        assert set(held) == blocks.get(number, set()), number


@override_settings(CLARION_SITEMAP_SIZE=3)
def test_a_block_with_nothing_readable_left_is_an_empty_list(client, papers):
    articles = [ArticleFactory(title=f"More {n}") for n in range(9)]
    middle = (articles[4].pk - 1) // 3 + 1
    for article in articles:
        if (article.pk - 1) // 3 + 1 == middle:
            article.unpublish()

    assert f"{ROOT}/sitemaps/articles-{middle}.xml" in article_children(client)
    assert entries(fetch(client, f"/sitemaps/articles-{middle}.xml")) == {}


@override_settings(CLARION_SITEMAP_SIZE=3)
def test_unknown_children_are_not_found(client, papers):
    last = int(path(article_children(client)[-1]).split("-")[1].removesuffix(".xml"))

    for url in [
        f"/sitemaps/articles-{last + 1}.xml",
        "/sitemaps/articles-0.xml",
        "/sitemaps/articles-01.xml",
        "/sitemaps/articles-99999999999999999999.xml",
        "/sitemaps/articles-x.xml",
        "/sitemaps/editions-1.xml",
        f"/sitemaps/topics-{last}.xml",  # there are no topics at all
    ]:
        assert client.get(url).status_code == 404, url


def test_nothing_published_yet(client):
    urls = children(client)

    assert urls == [f"{ROOT}/sitemaps/pages.xml", f"{ROOT}/sitemaps/news.xml"]
    assert client.get("/sitemaps/articles-1.xml").status_code == 404
    assert entries(fetch(client, "/sitemaps/news.xml")) == {}


def test_sitemaps_are_read_only(client, papers):
    for url in ["/sitemap.xml", "/sitemaps/articles-1.xml", "/sitemaps/pages.xml", "/robots.txt"]:
        assert client.post(url).status_code == 405, url
        assert client.head(url).status_code == 200, url


# The site's own pages, topics and authors ---------------------------------------------------


def test_pages_sitemap_lists_the_sites_pages_editions_and_categories(client, home):
    workplace = CategoryFactory(name="Workplace")
    CategoryFactory(name="Empty category")
    edition = EditionFactory(number=1203, date=datetime.date(2026, 6, 3))
    EditionFactory(number=1204, live=False)
    members_edition = EditionFactory(number=1205)
    PageViewRestriction.objects.create(page=members_edition, restriction_type="login")
    about = StandardPage(title="About us", slug="about")
    home.add_child(instance=about)
    about.save_revision().publish()
    article = ArticleFactory(category=workplace, date=at(20))
    ArticleFactory(category=CategoryFactory(name="Drafts only"), live=False)

    found = entries(fetch(client, "/sitemaps/pages.xml"))

    assert set(found) == {
        f"{ROOT}/",
        f"{ROOT}/news/",
        f"{ROOT}/editions/",
        f"{ROOT}/events/",
        f"{ROOT}/branches/",
        edition.full_url,
        f"{ROOT}/about/",
        f"{ROOT}/category/workplace/",
    }
    assert all(found.values()), "every URL has a <lastmod>"
    # Lists follow their newest article or edition.
    newest_article = moment(found[f"{ROOT}/news/"])
    assert newest_article == article.last_published_at.replace(microsecond=0)
    assert moment(found[f"{ROOT}/"]) == newest_article
    assert moment(found[f"{ROOT}/category/workplace/"]) == article.date
    assert moment(found[f"{ROOT}/editions/"]) >= moment(found[edition.full_url])


def test_topics_and_authors_with_readable_articles(client):
    strikes, rent, drafts_only = (TopicFactory(name=n) for n in ("Strikes", "Rent", "Draft"))
    TopicFactory(name="Never used")
    maria, ivan, nobody = (AuthorFactory(name=n) for n in ("Maria", "Ivan", "Nobody"))
    older = ArticleFactory(topics=[strikes, rent], date=at(1))
    newer = ArticleFactory(topics=[strikes], date=at(5))
    draft = ArticleFactory(topics=[strikes, drafts_only], date=at(9), live=False)
    secret = ArticleFactory(topics=[rent], date=at(8))
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    credit(older, maria, ivan)
    credit(newer, maria)
    credit(draft, nobody)
    credit(secret, ivan)

    topics = all_urls(client, "topics")
    authors = all_urls(client, "authors")

    assert {url: moment(lastmod) for url, lastmod in topics.items()} == {
        f"{ROOT}/topics/strikes/": newer.date,
        f"{ROOT}/topics/rent/": older.date,
    }
    assert {url: moment(lastmod) for url, lastmod in authors.items()} == {
        f"{ROOT}/authors/maria/": newer.date,
        f"{ROOT}/authors/ivan/": older.date,
    }


# Google News ----------------------------------------------------------------------------------


def news_items(client):
    root = fetch(client, "/sitemaps/news.xml")
    assert root.tag == f"{{{SITEMAPS}}}urlset"
    items = []
    for url in root.findall("sm:url", NS):
        news = url.find("news:news", NS)
        items.append(
            {
                "loc": url.findtext("sm:loc", namespaces=NS),
                "name": news.findtext("news:publication/news:name", namespaces=NS),
                "language": news.findtext("news:publication/news:language", namespaces=NS),
                "date": moment(news.findtext("news:publication_date", namespaces=NS)),
                "title": news.findtext("news:title", namespaces=NS),
            }
        )
    return items


def test_news_sitemap_holds_the_last_two_days_only(client):
    paper_settings(paper_name="The Morning Clarion & Star")
    now = timezone.now().replace(microsecond=0)
    fresh = ArticleFactory(
        title="Strike <b>ends</b> & talks \x0bbegin", date=now - datetime.timedelta(hours=1)
    )
    russian = ArticleFactory(
        title="Забастовка", language="ru", date=now - datetime.timedelta(hours=47)
    )
    ArticleFactory(title="Three days old", date=now - datetime.timedelta(hours=49))
    ArticleFactory(title="Dated tomorrow", date=now + datetime.timedelta(days=1))
    ArticleFactory(title="Fresh draft", date=now, live=False)
    secret = ArticleFactory(title="Fresh but members only", date=now)
    PageViewRestriction.objects.create(page=secret, restriction_type="login")

    items = news_items(client)

    assert items == [
        {
            "loc": fresh.full_url,
            "name": "The Morning Clarion & Star",
            "language": "en",
            "date": fresh.date,
            "title": "Strike <b>ends</b> & talks begin",  # XML cannot hold \x0b at all
        },
        {
            "loc": russian.full_url,
            "name": "The Morning Clarion & Star",
            "language": "ru",
            "date": russian.date,
            "title": "Забастовка",
        },
    ]


def test_news_sitemap_stops_at_its_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
    now = timezone.now()
    articles = [ArticleFactory(date=now - datetime.timedelta(minutes=n)) for n in range(3)]

    assert [item["loc"] for item in news_items(client)] == [a.full_url for a in articles[:2]]


# Cost -----------------------------------------------------------------------------------------


def queries_for(client, url, django_assert_num_queries, count):
    clear_caches()
    with django_assert_num_queries(count) as captured:
        fetch(client, url)
    return captured


@pytest.mark.parametrize("how_many", [3, 30])
def test_a_child_costs_the_same_few_queries_however_full(
    client, django_assert_num_queries, how_many
):
    for n in range(how_many):
        ArticleFactory(title=f"Article {n}")

    captured = queries_for(
        client, "/sitemaps/articles-1.xml", django_assert_num_queries, CHILD_QUERIES
    )

    assert len(entries(fetch(client, "/sitemaps/articles-1.xml"))) == how_many
    # The rows come with their URL path and dates only: never the article body.
    for query in captured.captured_queries:
        assert '"body"' not in query["sql"], query["sql"]


@pytest.mark.parametrize("how_many", [3, 30])
def test_the_index_costs_the_same_few_queries_however_many_children(
    client, django_assert_num_queries, how_many, settings
):
    settings.CLARION_SITEMAP_SIZE = 2
    for n in range(how_many):
        ArticleFactory(title=f"Article {n}", topics=[TopicFactory()])

    # site 1, content version 1, restricted pages 1, site root paths 1, first and last ids
    # of articles, topics and authors together 1.
    queries_for(client, "/sitemap.xml", django_assert_num_queries, 5)
    assert len(article_children(client)) >= how_many // 2
