"""The printed paper online: the list of editions and each edition's page, with its cover,
its PDF and its contents under the paper's own headings."""

import datetime
import functools

import pytest
from django.test import override_settings
from django.urls import reverse

from clarion.newsroom.tests.factories import (
    ArticleFactory,
    DocumentFactory,
    EditionFactory,
    EditionSectionFactory,
    ImageFactory,
    edition_story,
    paper_settings,
)
from clarion.newsroom.tests.helpers import get_ok, measure, soup, text

pytestmark = pytest.mark.django_db

# The sidebar's organising parts add 3: coming meetings, regional organisers, and where
# /events/ and /branches/ are.
# Queries with a cold cache, the same for 10 or 50 articles in the edition / editions listed.
# Edition page: site 1, routing 5, paper settings 1, site root paths 1,
# navigation 1, sidebar latest 1, archive months 1, contents 1, cover image 2, PDF 1,
# content version 1, restricted pages 1.
EDITION_PAGE_QUERIES = 17 + 3
# Editions list: site 1, routing 3, paper settings 1, site root paths 1,
# navigation 1, sidebar latest 1, archive months 1, count 1, page of editions 1, their covers'
# renditions 1, content version 1, restricted pages 1.
EDITION_LIST_QUERIES = 14 + 3


def listed_editions(response):
    return [text(item) for item in soup(response).select(".edition-list li")]


def table_of_contents(page):
    contents = []
    for element in page.select_one(".toc").find_all(["h3", "li"]):
        if element.name == "h3":
            contents.append((text(element), []))
        else:
            contents[-1][1].append(text(element))
    return contents


# The list of editions -----------------------------------------------------------------------


def test_editions_are_listed_newest_first(client):
    EditionFactory(number=1041, date=datetime.date(2026, 2, 25))
    EditionFactory(number=1043, date=datetime.date(2026, 3, 11))
    EditionFactory(number=1042, date=datetime.date(2026, 3, 4))
    EditionFactory(number=1044, date=datetime.date(2026, 3, 18), live=False)

    response = get_ok(client, "/editions/")

    assert text(soup(response).h1) == "The paper"
    assert listed_editions(response) == [
        "Issue 1043 11 March 2026",
        "Issue 1042 4 March 2026",
        "Issue 1041 25 February 2026",
    ]
    links = [a["href"] for a in soup(response).select(".edition-list a")]
    assert links == ["/editions/issue-1043/", "/editions/issue-1042/", "/editions/issue-1041/"]


def test_edition_list_shows_covers_from_this_site(client):
    EditionFactory(number=1042, cover_image=ImageFactory())

    image = soup(get_ok(client, "/editions/")).select_one(".edition-list img")

    assert image["src"].startswith("/media/")
    assert image["loading"] == "lazy"
    assert image["alt"] == ""  # the link's text says which issue it is


@override_settings(CLARION_PAGE_SIZE=2)
def test_edition_list_pages(client):
    for number, day in zip(range(1040, 1045), range(1, 6), strict=True):
        EditionFactory(number=number, date=datetime.date(2026, 3, day))

    first = soup(get_ok(client, "/editions/"))
    older = first.select_one("nav.pagination a[rel=next]")["href"]
    second = soup(get_ok(client, older))

    assert [text(i) for i in first.select(".edition-list li span:first-child")] == [
        "Issue 1044",
        "Issue 1043",
    ]
    assert [text(i) for i in second.select(".edition-list li span:first-child")] == [
        "Issue 1042",
        "Issue 1041",
    ]
    assert text(second.select_one("nav.pagination span")) == "Page 2 of 3"
    assert second.select_one("nav.pagination a[rel=prev]")["href"] == "/editions/"
    assert client.get("/editions/?page=4").status_code == 404


def test_no_editions_yet(client):
    assert text(soup(get_ok(client, "/editions/")).select_one(".empty")) == "No editions yet."


# One edition ----------------------------------------------------------------------------------


@pytest.fixture
def edition(db):
    paper_settings(paper_name="The Morning Clarion")
    edition = EditionFactory(
        number=1042,
        date=datetime.date(2026, 3, 4),
        cover_image=ImageFactory(),
        print_pdf=DocumentFactory(
            title="Issue 1042",
            file__filename="clarion-1042.pdf",
            file__data=b"%PDF-1.4 " + b"x" * 2039,
            file_size=2048,
        ),
    )
    international = EditionSectionFactory(
        edition=edition, heading="International socialist news", sort_order=2
    )
    front = EditionSectionFactory(edition=edition, heading="Front page", sort_order=0)
    workplace = EditionSectionFactory(edition=edition, heading="Workplace", sort_order=1)
    EditionSectionFactory(edition=edition, heading="Empty heading", sort_order=3)

    story = functools.partial(edition_story, edition)

    story("Letters", None, 0)
    story("Later abroad", international, 5)
    story("Second on the front", front, 2)
    story("Earlier abroad", international, 3)
    story("Lead story", front, 1, kicker="Strike")
    story("Bus drivers win", workplace, 0)
    story("Spiked story", front, 0, live=False)
    ArticleFactory(title="From another issue", edition=EditionFactory())
    ArticleFactory(title="Web only")
    return edition


def test_edition_page(client, edition):
    page = soup(get_ok(client, edition.url))

    assert text(page.select_one(".edition__number")) == "Issue 1042"
    assert text(page.h1) == "The Morning Clarion, 4 March 2026"
    cover = page.select_one(".edition__cover img")
    assert cover["alt"] == "Front page of issue 1042"
    assert cover["src"].startswith("/media/")
    pdf = page.select_one(".edition__pdf a")
    assert text(pdf) == "Download the printed paper (PDF, 2.0 KB)"
    download = client.get(pdf["href"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_edition_contents_in_the_papers_order(client, edition):
    page = soup(get_ok(client, edition.url))

    assert table_of_contents(page) == [
        ("Front page", ["Lead story", "Second on the front"]),
        ("Workplace", ["Bus drivers win"]),
        ("International socialist news", ["Earlier abroad", "Later abroad"]),
        ("Also in this issue", ["Letters"]),
    ]
    links = {text(a): a["href"] for a in page.select(".toc a")}
    assert links["Bus drivers win"] == "/news/bus-drivers-win/"
    assert page.select(".toc [aria-current]") == []  # no article is "current" here


def test_articles_under_one_heading_keep_a_stable_order(client, edition):
    front = edition.sections.get(heading="Front page")
    ArticleFactory(
        title="Also position 1, added later",
        edition=edition,
        edition_section=front,
        edition_position=1,
    )

    page = soup(get_ok(client, edition.url))

    assert table_of_contents(page)[0] == (
        "Front page",
        ["Lead story", "Also position 1, added later", "Second on the front"],
    )


def test_edition_without_cover_pdf_or_articles(client):
    edition = EditionFactory(number=7, date=datetime.date(2026, 1, 7))

    page = soup(get_ok(client, edition.url))

    assert page.select_one(".edition__cover") is None
    assert page.select_one(".edition__pdf") is None
    assert page.select(".toc li") == []


def test_unpublished_edition_is_not_found(client):
    edition = EditionFactory(live=False)

    assert client.get(f"/editions/{edition.slug}/").status_code == 404


def test_article_editor_offers_only_the_editions_own_headings(admin_client, edition):
    article = edition.articles.get(title="Lead story")
    other = EditionFactory()
    EditionSectionFactory(edition=other, heading="Another issue's heading")

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    select = soup(response).find("select", attrs={"name": "edition_section"})

    offered = [text(option) for option in select.find_all("option") if option.get("value")]
    assert offered == ["Front page", "Workplace", "International socialist news", "Empty heading"]


# Query budgets --------------------------------------------------------------------------------


@override_settings(CLARION_PAGE_SIZE=50)
def test_edition_page_uses_the_same_queries_for_ten_or_fifty_articles(
    client, edition, django_assert_max_num_queries
):
    sections = list(edition.sections.all())
    edition.articles.all().delete()
    counts = []
    for extra in (10, 40):
        for n in range(extra):
            ArticleFactory(
                edition=edition,
                edition_section=sections[n % 4] if n % 5 else None,
                edition_position=n,
                lead_image=ImageFactory() if n < 3 else None,
            )
        counts.append(
            measure(client, edition.url, django_assert_max_num_queries, EDITION_PAGE_QUERIES)
        )

    (ten, ten_page), (fifty, fifty_page) = counts
    assert ten == fifty == EDITION_PAGE_QUERIES
    assert len(soup(ten_page).select(".toc li")) == 10
    assert len(soup(fifty_page).select(".toc li")) == 50


@override_settings(CLARION_PAGE_SIZE=50)
def test_edition_list_uses_the_same_queries_for_ten_or_fifty_editions(
    client, django_assert_max_num_queries
):
    counts = []
    for extra in (10, 40):
        for _ in range(extra):
            EditionFactory(cover_image=ImageFactory())
        counts.append(
            measure(client, "/editions/", django_assert_max_num_queries, EDITION_LIST_QUERIES)
        )

    (ten, ten_page), (fifty, fifty_page) = counts
    assert ten == fifty == EDITION_LIST_QUERIES
    assert len(soup(ten_page).select(".edition-list img")) == 10
    assert len(soup(fifty_page).select(".edition-list img")) == 50
