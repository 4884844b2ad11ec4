"""The article page as a reader sees it: the lines above the headline, the text, the tools
under it (print, short link, sharing) and what it leads on to (contents of its edition,
related links by topic, more from its category)."""

import datetime
import functools
from urllib.parse import quote, urlsplit

import pytest
from django.test import override_settings

from clarion.core.content_version import clear_caches
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    EditionFactory,
    EditionSectionFactory,
    ImageFactory,
    TopicFactory,
    credit,
    edition_story,
    paper_settings,
)
from clarion.newsroom.tests.helpers import at, get_ok, soup

pytestmark = pytest.mark.django_db


# Queries for one article page (cold cache), whatever the number of its topics, authors and
# related articles. Measured: site 1, routing 3 (the article with its category), authors 1,
# edition 1, its contents 1, topics 1, related links 1, more in category 1, paper settings 1,
# site root paths 1, navigation 1, lead picture 2, archive months 1, sidebar latest 1,
# content version 1, restricted pages 1.
# The sidebar's organising parts add 3: coming meetings, regional organisers, and where
# /events/ and /branches/ are.
ARTICLE_PAGE_QUERIES = 20 + 3


def text(element, separator=""):
    """The element's text as read, with runs of white space made single spaces."""
    return " ".join(element.get_text(separator).split())


@pytest.fixture
def paper(db):
    return paper_settings(
        paper_name="The Morning Clarion",
        call_to_action="Fight back: join the party, or give a fiver to keep the paper going.",
        join_url="/join/",
        donate_url="https://donate.example.org/clarion",
    )


# The lines above the headline ---------------------------------------------------------------


def test_article_in_a_live_edition_says_which_edition_it_is_from(client, paper):
    edition = EditionFactory(date=datetime.date(2026, 3, 4))
    article = ArticleFactory(edition=edition, date=at(2026, 3, 5, 9, 30))

    line = soup(get_ok(client, article.url)).select_one(".article__edition-line")

    assert text(line) == "From The Morning Clarion, 4 March 2026"
    assert line.a["href"] == edition.url
    assert "Posted on" not in text(line)


def test_web_only_article_says_when_it_was_posted_in_the_papers_time_zone(client, paper):
    # 08:05 UTC on a summer day is 09:05 in London (BST).
    posted = datetime.datetime(2026, 7, 15, 8, 5, tzinfo=datetime.UTC)
    article = ArticleFactory(date=posted)

    line = soup(get_ok(client, article.url)).select_one(".article__edition-line")

    assert text(line) == "Posted on 15 July 2026 at 09:05"
    assert "From" not in text(line)


def test_article_in_an_unpublished_edition_is_shown_as_web_only(client, paper):
    edition = EditionFactory(date=datetime.date(2026, 3, 4), live=False)
    article = ArticleFactory(edition=edition, date=at(2026, 3, 2, 18, 45))

    page = soup(get_ok(client, article.url))

    assert text(page.select_one(".article__edition-line")) == "Posted on 2 March 2026 at 18:45"
    assert page.select_one(".edition-contents") is None


def test_kicker_headline_standfirst_and_byline(client, paper):
    adam = AuthorFactory(name="Adam Smith")
    zoe = AuthorFactory(name="Zoe Ivanova")
    maria = AuthorFactory(name="Maria Petrova")
    article = ArticleFactory(
        kicker="Kazakhstan",
        title="Oil workers strike for pay",
        standfirst="Three thousand workers walked out on Monday.",
        byline="Additional reporting by our Almaty correspondent",
    )
    credit(article, zoe, adam, maria)  # byline order, not alphabetical or by age

    page = soup(get_ok(client, article.url))
    headline = page.select_one("h1.article__headline")
    byline = page.select_one(".article__byline")

    assert text(headline) == "Kazakhstan: Oil workers strike for pay"
    assert text(headline.select_one(".kicker")) == "Kazakhstan:"
    assert text(page.select_one(".article__standfirst")) == (
        "Three thousand workers walked out on Monday."
    )
    assert text(byline) == (
        "By Zoe Ivanova, Adam Smith and Maria Petrova. "
        "Additional reporting by our Almaty correspondent"
    )
    assert [(a.get_text(), a["href"]) for a in byline.find_all("a")] == [
        ("Zoe Ivanova", zoe.get_absolute_url()),
        ("Adam Smith", adam.get_absolute_url()),
        ("Maria Petrova", maria.get_absolute_url()),
    ]
    assert page.title.get_text() == "Oil workers strike for pay | The Morning Clarion"


def test_free_text_byline_alone(client, paper):
    article = ArticleFactory(byline="Maria Ivanova reports")

    byline = soup(get_ok(client, article.url)).select_one(".article__byline")

    assert text(byline) == "Maria Ivanova reports"
    assert byline.find("a") is None


def test_article_without_kicker_or_byline(client, paper):
    article = ArticleFactory(title="A plain headline", kicker="", standfirst="")

    page = soup(get_ok(client, article.url))

    assert text(page.select_one("h1.article__headline")) == "A plain headline"
    assert page.select_one(".kicker") is None
    assert page.select_one(".article__standfirst") is None
    assert page.select_one(".article__byline") is None


# The body -------------------------------------------------------------------------------------

BODY = [
    {"type": "paragraph", "value": "<p>Workers walked out at dawn.</p>"},
    {"type": "crosshead", "value": "Picket lines hold"},
    {"type": "paragraph", "value": "<p>By noon the depot was <b>empty</b>.</p>"},
    {
        "type": "quote",
        "value": {"text": "We will not go back\nuntil we win.", "attribution": "A shop steward"},
    },
    {"type": "editors_note", "value": "<p>This article was updated after printing.</p>"},
    {
        "type": "fact_box",
        "value": {
            "title": "The dispute in numbers",
            "text": "<ul><li>3,000 workers</li><li>12 depots</li></ul>",
        },
    },
]


def test_body_blocks(client, paper):
    article = ArticleFactory(body=BODY, dateline="Almaty")

    body = soup(get_ok(client, article.url)).select_one(".article__body")

    assert text(body).startswith("Almaty — Workers walked out at dawn.")
    crosshead = body.find("h2", class_="crosshead")
    assert crosshead is not None and text(crosshead) == "Picket lines hold"
    assert body.find("b").get_text() == "empty"

    quote_block = body.select_one("figure.quote")
    assert text(quote_block.blockquote, " ") == "We will not go back until we win."
    assert quote_block.blockquote.find("br") is not None  # the line break is kept
    assert text(quote_block.figcaption) == "A shop steward"

    note = body.select_one(".editors-note")
    assert text(note) == "[This article was updated after printing.]"

    fact_box = body.select_one("aside.fact-box")
    assert text(fact_box.h2) == "The dispute in numbers"
    assert [li.get_text() for li in fact_box.find_all("li")] == ["3,000 workers", "12 depots"]

    # The blocks come in the order they were written.
    order = [text(el) for el in body.find_all(["p", "h2"])]
    assert order.index("Workers walked out at dawn.") < order.index("Picket lines hold")
    assert order.index("Picket lines hold") < order.index("By noon the depot was empty.")


def test_body_text_is_escaped_where_it_is_plain_text(client, paper):
    article = ArticleFactory(
        body=[
            {"type": "crosshead", "value": "<script>alert(1)</script>"},
            {"type": "quote", "value": {"text": "<img src=x>", "attribution": ""}},
        ]
    )

    response = get_ok(client, article.url)

    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert b"<img src=x>" not in response.content


# Call to action, print, short link, sharing ------------------------------------------------


def test_call_to_action_comes_from_paper_settings(client, paper):
    article = ArticleFactory()

    cta = soup(get_ok(client, article.url)).select_one(".article__cta")

    assert text(cta).startswith(
        "Fight back: join the party, or give a fiver to keep the paper going."
    )
    assert [(a.get_text(), a["href"]) for a in cta.find_all("a")] == [
        ("Join", "/join/"),
        ("Donate", "https://donate.example.org/clarion"),
    ]

    # Without addresses of its own, the paper links to this site's forms.
    paper_settings(call_to_action="Subscribe today!", join_url="", donate_url="")
    cta = soup(get_ok(client, article.url)).select_one(".article__cta")
    assert text(cta).startswith("Subscribe today!")
    assert [a["href"] for a in cta.find_all("a")] == ["/join/", "/donate/"]

    paper_settings(call_to_action="")
    assert soup(get_ok(client, article.url)).select_one(".article__cta") is None


def test_printable_version(client, paper):
    article = ArticleFactory(
        kicker="Kazakhstan",
        title="Oil workers strike for pay",
        standfirst="Three thousand workers walked out.",
        body=BODY,
    )
    credit(article, AuthorFactory(name="Zoe Ivanova"))

    link = soup(get_ok(client, article.url)).find("a", string="Printable version")
    assert link["href"] == f"{article.url}print/" == f"/news/{article.slug}/print/"

    response = get_ok(client, link["href"])
    printable = soup(response)
    assert text(printable.h1) == "Kazakhstan: Oil workers strike for pay"
    words = text(printable.body)
    for expected in (
        "The Morning Clarion",
        "Three thousand workers walked out.",
        "By Zoe Ivanova",
        "Workers walked out at dawn.",
        "Picket lines hold",
        "The dispute in numbers",
        f"This article: {article.full_url}",
    ):
        assert expected in words
    # Only the article: no site navigation, sidebar, footer or share links.
    for selector in (".site-nav", ".sidebar", ".site-footer", ".masthead", ".share-links"):
        assert printable.select_one(selector) is None, selector
    assert "Latest news" not in words
    assert printable.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert printable.find("link", rel="canonical")["href"] == article.full_url


def test_printable_version_of_an_unpublished_article_is_not_found(client, paper):
    article = ArticleFactory(live=False)

    assert client.get(f"/news/{article.slug}/print/").status_code == 404


def test_share_links_carry_the_article_url_and_nothing_loads_from_other_hosts(client, paper):
    article = ArticleFactory(title="Strike wave spreads", lead_image=ImageFactory())

    page = soup(get_ok(client, article.url))
    links = page.select(".share-links a")
    address = quote(f"http://testserver{article.url}", safe="")

    assert [a.get_text() for a in links] == ["Email", "Telegram", "WhatsApp", "Facebook", "X", "VK"]
    for link in links:
        assert address in link["href"], link["href"]
        assert "nofollow" in link["rel"]
    # Sharing is plain links: no scripts, frames or tracking images from other hosts.
    # (JSON-LD structured data is an inline data block: never executed, nothing fetched.)
    data = page.find_all("script", type="application/ld+json")
    assert not any(block.get("src") for block in data)
    embedded = page.find_all(["script", "iframe", "embed", "object"])
    assert [element for element in embedded if element not in data] == []
    images = page.find_all("img")
    assert images, "the lead image should be on the page"
    loaded = page.find_all(["img", "source", "video", "audio"]) + [
        link for link in page.find_all("link") if {"canonical", "alternate"}.isdisjoint(link["rel"])
    ]
    assert any(link.name == "link" for link in loaded), "the stylesheet should be checked too"
    for element in loaded:
        for attribute in ("src", "href", "srcset"):
            if element.get(attribute):
                assert urlsplit(element[attribute]).netloc in ("", "testserver"), element


def test_link_to_this_page_redirects_permanently_to_the_article(client, paper):
    article = ArticleFactory()

    tools = soup(get_ok(client, article.url)).select_one(".article__tools")
    short = tools.find("a", href=f"/a/{article.pk}/")
    assert short is not None
    assert text(short) == f"http://testserver/a/{article.pk}/"
    assert "Link to this page" in text(tools)

    response = client.get(f"/a/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"] == article.url


def test_link_to_this_page_follows_the_article_when_its_address_changes(client, paper):
    article = ArticleFactory(title="Old headline")
    article.slug = "new-headline"
    article.save_revision().publish()

    response = client.get(f"/a/{article.pk}/")

    assert response.status_code == 301
    assert response["Location"] == "/news/new-headline/"


@pytest.mark.parametrize("article_id", ["0", "987654", "99999999999", "999999999999"])
def test_link_to_an_unknown_article_is_not_found(client, paper, article_id):
    ArticleFactory()

    assert client.get(f"/a/{article_id}/").status_code == 404


def test_link_to_an_unpublished_article_is_not_found(client, paper):
    draft = ArticleFactory(live=False)
    unpublished = ArticleFactory()
    unpublished.unpublish()

    assert client.get(f"/a/{draft.pk}/").status_code == 404
    assert client.get(f"/a/{unpublished.pk}/").status_code == 404
    assert client.get(f"/news/{unpublished.slug}/").status_code == 404


# The contents of its edition ----------------------------------------------------------------


def table_of_contents(container):
    """[(heading, [(title, is link, is current)…]), …] as the reader sees it."""
    contents = []
    for element in container.select_one(".toc").find_all(["h3", "li"]):
        if element.name == "h3":
            contents.append((text(element), []))
        else:
            current = element.find(attrs={"aria-current": "page"}) is not None
            contents[-1][1].append((text(element), element.find("a") is not None, current))
    return contents


def test_edition_contents_under_its_headings_in_the_papers_order(client, paper):
    edition = EditionFactory(date=datetime.date(2026, 3, 4))
    # Headings created out of print order: the edition's own order (sort_order) decides.
    international = EditionSectionFactory(
        edition=edition, heading="International socialist news", sort_order=2
    )
    front = EditionSectionFactory(edition=edition, heading="Front page", sort_order=0)
    workplace = EditionSectionFactory(edition=edition, heading="Workplace", sort_order=1)

    story = functools.partial(edition_story, edition)

    story("Second on the front", front, 2)
    story("Lead story", front, 1)
    current = story("Bus drivers win", workplace, 0)
    story("Later abroad", international, 5)
    story("Earlier abroad", international, 3)
    story("Letters", None, 0)
    story("Spiked story", front, 0, live=False)
    ArticleFactory(title="From another issue", edition=EditionFactory())

    page = soup(get_ok(client, current.url))
    section = page.select_one(".edition-contents")

    assert text(section.h2) == "In The Morning Clarion 4 March 2026:"
    assert section.h2.a["href"] == edition.url
    assert table_of_contents(section) == [
        (
            "Front page",
            [("Lead story", True, False), ("Second on the front", True, False)],
        ),
        ("Workplace", [("Bus drivers win", False, True)]),
        (
            "International socialist news",
            [("Earlier abroad", True, False), ("Later abroad", True, False)],
        ),
        ("Also in this issue", [("Letters", True, False)]),
    ]


def test_web_only_article_has_no_edition_contents(client, paper):
    article = ArticleFactory()

    assert soup(get_ok(client, article.url)).select_one(".edition-contents") is None


# Related links and more from the category ---------------------------------------------------


def related_links(page):
    section = page.select_one(".related-links")
    if section is None:
        return []
    return [
        (text(group.h3), [text(li) for li in group.find_all("li")])
        for group in section.select(".related-links__group")
    ]


@pytest.fixture
def topical_article(db):
    miners = TopicFactory(name="Miners")
    oil = TopicFactory(name="Oil workers")
    lonely = TopicFactory(name="Nobody else writes about this")
    article = ArticleFactory(
        title="This article", topics=[miners, oil, lonely], date=at(2026, 6, 10)
    )
    for day in (3, 1, 6, 2, 5, 4):
        ArticleFactory(title=f"Miners, June {day}", topics=[miners], date=at(2026, 6, day))
    ArticleFactory(
        title="Unpublished miners story", topics=[miners], date=at(2026, 6, 20), live=False
    )
    withdrawn = ArticleFactory(
        title="Withdrawn miners story", topics=[miners], date=at(2026, 6, 21)
    )
    withdrawn.unpublish()
    ArticleFactory(title="Miners and oil", topics=[miners, oil], date=at(2026, 5, 31))
    ArticleFactory(title="Oil, May 2", topics=[oil], date=at(2026, 5, 2))
    ArticleFactory(title="Unrelated story", date=at(2026, 6, 30))
    return article


def test_related_links_by_topic_newest_first(client, paper, topical_article, settings):
    assert settings.CLARION_RELATED_PER_TOPIC == 4

    page = soup(get_ok(client, topical_article.url))

    assert related_links(page) == [
        ("Miners", ["Miners, June 6", "Miners, June 5", "Miners, June 4", "Miners, June 3"]),
        ("Oil workers", ["Miners and oil", "Oil, May 2"]),
    ]
    group = page.select_one(".related-links__group")
    assert group.h3.a["href"] == "/topics/miners/"


@override_settings(CLARION_RELATED_PER_TOPIC=2)
def test_related_links_per_topic_follows_the_setting(client, paper, topical_article):
    page = soup(get_ok(client, topical_article.url))

    assert related_links(page) == [
        ("Miners", ["Miners, June 6", "Miners, June 5"]),
        ("Oil workers", ["Miners and oil", "Oil, May 2"]),
    ]


def test_article_without_topics_has_no_related_links(client, paper):
    ArticleFactory(topics=[TopicFactory()])
    article = ArticleFactory()

    assert soup(get_ok(client, article.url)).select_one(".related-links") is None


def test_more_from_its_category(client, paper):
    culture = CategoryFactory(name="Culture")
    article = ArticleFactory(title="This review", category=culture, date=at(2026, 6, 10))
    for day in (2, 7, 1, 4, 3, 6, 5):
        ArticleFactory(title=f"Review, June {day}", category=culture, date=at(2026, 6, day))
    ArticleFactory(title="Unpublished review", category=culture, date=at(2026, 6, 30), live=False)
    ArticleFactory(title="Not a review", category=CategoryFactory(name="Workplace"))

    section = soup(get_ok(client, article.url)).select_one(".more-in-category")

    assert text(section.h2) == "Culture"
    assert [text(li) for li in section.find_all("li")] == [
        "Review, June 7",
        "Review, June 6",
        "Review, June 5",
        "Review, June 4",
        "Review, June 3",
    ]
    more = section.find("a", string="More Culture articles…")
    assert more["href"] == "/category/culture/"
    assert client.get(more["href"]).status_code == 200


def test_only_article_in_its_category_has_no_more_block(client, paper):
    article = ArticleFactory(category=CategoryFactory(name="Obituaries"))

    assert soup(get_ok(client, article.url)).select_one(".more-in-category") is None


# Query budget ---------------------------------------------------------------------------------


def measure(client, url, django_assert_max_num_queries, budget):
    """Queries for one view of `url` with a cold cache, after a first view has made any image
    renditions; fails when over `budget`."""
    get_ok(client, url)
    clear_caches()
    with django_assert_max_num_queries(budget) as captured:
        get_ok(client, url)
    return len(captured)


def article_with(topics, authors, related_per_topic):
    edition = EditionFactory()
    section = EditionSectionFactory(edition=edition, heading="News", sort_order=0)
    topic_list = TopicFactory.create_batch(topics)
    article = ArticleFactory(
        topics=topic_list,
        edition=edition,
        edition_section=section,
        lead_image=ImageFactory(),
        date=at(2026, 6, 15),
    )
    credit(article, *AuthorFactory.create_batch(authors))
    for n in range(related_per_topic):
        ArticleFactory(
            topics=topic_list, edition=edition, edition_section=section, edition_position=n
        )
    return article


def test_article_page_queries_do_not_grow_with_topics_authors_and_related_links(
    client, paper, django_assert_max_num_queries
):
    small = article_with(topics=1, authors=1, related_per_topic=1)
    big = article_with(topics=30, authors=5, related_per_topic=6)

    small_count = measure(client, small.url, django_assert_max_num_queries, ARTICLE_PAGE_QUERIES)
    big_count = measure(client, big.url, django_assert_max_num_queries, ARTICLE_PAGE_QUERIES)

    assert small_count == big_count == ARTICLE_PAGE_QUERIES
    page = soup(client.get(big.url))
    assert len(related_links(page)) == 30
    assert len(page.select(".article__byline a")) == 5
