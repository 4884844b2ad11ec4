"""The lists of articles a reader browses: by category, topic, author and month, the archive
of months, the A–Z of topics and the latest news; their pages; and bad addresses."""

import datetime

import pytest
from django.test import override_settings

from clarion.newsroom.models import Topic
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ImageFactory,
    TopicFactory,
    credit,
)
from clarion.newsroom.tests.helpers import at, get_ok, measure, soup, text

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

# Queries per list page with a cold cache, the same for 10 or 50 articles on the page.
# Every page: site 1, home page 1, paper settings 1, site root paths 1, navigation 1,
# sidebar latest 1, archive months 1, content version 1, restricted pages 1 (= 9);
# plus what the list itself needs.
# The sidebar's organising parts add 3: coming meetings, regional organisers, and where
# /events/ and /branches/ are.
LIST_PAGE_QUERIES = {
    "category": 12 + 3,  # + category, count, page of articles
    "topic": 12 + 3,  # + topic, count, page
    "author": 13 + 3,  # + author (with photo), count, page, photo rendition
    "month": 11 + 3,  # + count, page
    "news": 13 + 3,  # + finding the /news/ page 2, count, page
    "topics": 12 + 3,  # + letters, count, page of topics
    "archive": 9 + 3,  # months come from the one archive months query
}


def titles(response):
    """Headlines of the article cards on a list page, in order."""
    return [text(title) for title in soup(response).select(".card__title")]


# Category, topic, author and the latest news ------------------------------------------------


def test_category_page_lists_its_live_articles_newest_first(client):
    workplace = CategoryFactory(name="Workplace", description="Strikes, unions and the job")
    ArticleFactory(title="Middle", category=workplace, date=at(2026, 5, 2))
    ArticleFactory(title="Newest", category=workplace, date=at(2026, 6, 1))
    ArticleFactory(title="Oldest", category=workplace, date=at(2025, 11, 30))
    ArticleFactory(title="Unpublished", category=workplace, date=at(2026, 7, 1), live=False)
    ArticleFactory(title="Other category", category=CategoryFactory(name="Youth"))

    response = get_ok(client, "/category/workplace/")
    page = soup(response)

    assert text(page.h1) == "Workplace"
    assert text(page.select_one(".intro")) == "Strikes, unions and the job"
    assert titles(response) == ["Newest", "Middle", "Oldest"]
    first = page.select_one(".card")
    assert text(first.select_one(".card__meta")) == "1 Jun 2026 · Workplace"
    assert first.a["href"] == "/news/newest/"
    assert page.title.get_text() == "Workplace | The Clarion"


def test_topic_page_lists_its_live_articles_newest_first(client):
    place = TopicFactory(name="Kazakhstan", kind=Topic.Kind.PLACE, description="Central Asia")
    other = TopicFactory(name="Bolivia")
    ArticleFactory(title="Older", topics=[place], date=at(2026, 1, 5))
    ArticleFactory(title="Newer", topics=[place, other], date=at(2026, 2, 5))
    ArticleFactory(title="Draft", topics=[place], date=at(2026, 3, 5), live=False)
    ArticleFactory(title="Only Bolivia", topics=[other], date=at(2026, 2, 6))

    response = get_ok(client, "/topics/kazakhstan/")
    page = soup(response)

    assert text(page.h1) == "Kazakhstan"
    assert text(page.select_one(".kind")) == "Place"
    assert text(page.select_one(".intro")) == "Central Asia"
    assert titles(response) == ["Newer", "Older"]
    more = page.find("a", string="More topics under K")
    assert more["href"] == "/topics/?letter=K"


def test_changing_an_articles_date_moves_it_in_every_list(client):
    topic = TopicFactory(name="Strikes")
    moved = ArticleFactory(title="Moved", topics=[topic], date=at(2026, 6, 1))
    ArticleFactory(title="Stays", topics=[topic], date=at(2026, 6, 5))
    reader = ArticleFactory(title="Reader", topics=[topic], date=at(2026, 5, 1))
    assert titles(get_ok(client, "/topics/strikes/")) == ["Stays", "Moved", "Reader"]

    moved.date = at(2026, 6, 10)
    moved.save_revision().publish()

    for url in ("/topics/strikes/", "/news/", "/category/international/", "/archive/2026/06/"):
        assert titles(get_ok(client, url))[:2] == ["Moved", "Stays"], url
    related = soup(get_ok(client, reader.url)).select(".related-links li")
    assert [text(item) for item in related] == ["Moved", "Stays"]


def test_author_page_lists_their_articles_newest_first(client):
    maria = AuthorFactory(
        name="Maria Ivanova", bio="Our Almaty correspondent.", photo=ImageFactory()
    )
    someone = AuthorFactory(name="Someone Else")
    credit(ArticleFactory(title="Solo", date=at(2026, 4, 1)), maria)
    credit(ArticleFactory(title="Joint, second named", date=at(2026, 4, 9)), someone, maria)
    credit(ArticleFactory(title="Draft", date=at(2026, 4, 20), live=False), maria)
    credit(ArticleFactory(title="Not hers", date=at(2026, 4, 10)), someone)

    response = get_ok(client, maria.get_absolute_url())
    page = soup(response)

    assert maria.get_absolute_url() == "/authors/maria-ivanova/"
    assert text(page.h1) == "Maria Ivanova"
    assert text(page.select_one(".intro")) == "Our Almaty correspondent."
    assert page.select_one("img.author-photo")["src"].startswith("/")
    assert titles(response) == ["Joint, second named", "Solo"]


def test_latest_news_lists_every_live_article_newest_first(client):
    ArticleFactory(title="Yesterday", date=at(2026, 6, 9), category=CategoryFactory(name="Youth"))
    ArticleFactory(title="Today", date=at(2026, 6, 10))
    ArticleFactory(title="Last year", date=at(2025, 6, 10))
    ArticleFactory(title="Tomorrow's draft", date=at(2026, 6, 11), live=False)

    response = get_ok(client, "/news/")

    assert text(soup(response).h1) == "News"
    assert titles(response) == ["Today", "Yesterday", "Last year"]


def test_empty_lists_say_so(client):
    CategoryFactory(name="Youth")
    AuthorFactory(name="New Writer")
    TopicFactory(name="Nothing yet")

    for url in ("/category/youth/", "/authors/new-writer/", "/topics/nothing-yet/", "/news/"):
        assert text(soup(get_ok(client, url)).select_one(".empty")) == "No articles yet.", url
    assert text(soup(get_ok(client, "/archive/2026/06/")).select_one(".empty")) == (
        "No articles yet."
    )


# The monthly archive --------------------------------------------------------------------------


@pytest.fixture
def month_edges(db):
    """Articles either side of month boundaries, as London's clocks show them."""
    utc = lambda *args: datetime.datetime(*args, tzinfo=UTC)  # noqa: E731
    ArticleFactory(title="Last thing in May", date=utc(2026, 5, 31, 22, 59))  # 23:59 BST
    ArticleFactory(title="First thing in June", date=utc(2026, 5, 31, 23, 0))  # 00:00 BST
    ArticleFactory(title="Midsummer", date=at(2026, 6, 21, 12, 0))
    ArticleFactory(title="Last thing in June", date=utc(2026, 6, 30, 22, 59, 59))
    ArticleFactory(title="First thing in July", date=utc(2026, 6, 30, 23, 0))  # 00:00 BST
    ArticleFactory(title="New Year's Eve", date=utc(2025, 12, 31, 23, 59))  # GMT: still 2025
    ArticleFactory(title="New Year's Day", date=utc(2026, 1, 1, 0, 0))
    ArticleFactory(title="Unpublished in March", date=at(2026, 3, 10), live=False)


def test_month_page_uses_the_papers_time_zone_for_month_boundaries(client, month_edges):
    june = get_ok(client, "/archive/2026/06/")

    assert text(soup(june).h1) == "Articles from June 2026"
    assert titles(june) == ["Last thing in June", "Midsummer", "First thing in June"]
    assert titles(get_ok(client, "/archive/2026/05/")) == ["Last thing in May"]
    assert titles(get_ok(client, "/archive/2026/07/")) == ["First thing in July"]
    assert titles(get_ok(client, "/archive/2025/12/")) == ["New Year's Eve"]
    assert titles(get_ok(client, "/archive/2026/01/")) == ["New Year's Day"]
    assert titles(get_ok(client, "/archive/2026/03/")) == []


def test_archive_lists_months_with_articles_newest_first(client, month_edges):
    page = soup(get_ok(client, "/archive/"))

    years = [
        (text(section.h2), [(text(a), a["href"]) for a in section.find_all("a")])
        for section in page.select(".archive-year")
    ]
    assert years == [
        (
            "2026",
            [
                ("July", "/archive/2026/07/"),
                ("June", "/archive/2026/06/"),
                ("May", "/archive/2026/05/"),
                ("January", "/archive/2026/01/"),
            ],
        ),
        ("2025", [("December", "/archive/2025/12/")]),
    ]
    for _, months in years:
        for _, href in months:
            assert titles(get_ok(client, href)), href


def test_empty_archive(client):
    assert text(soup(get_ok(client, "/archive/")).select_one(".empty")) == "No articles yet."


# Topics A–Z -----------------------------------------------------------------------------------


@pytest.fixture
def a_to_z(db):
    for name, kind in [
        ("Argentina", Topic.Kind.PLACE),
        ("Amazon workers", Topic.Kind.ORGANISATION),
        ("bakers' union", Topic.Kind.ORGANISATION),
        ("Жанаозен", Topic.Kind.PLACE),
        ("Забастовка", Topic.Kind.THEME),
        ("Жилищный вопрос", Topic.Kind.THEME),
        ("1984–85 miners' strike", Topic.Kind.THEME),
    ]:
        TopicFactory(name=name, kind=kind)


def letters(page):
    return [text(item) for item in page.select(".letters li")]


def listed_topics(page):
    return [text(item.a) for item in page.select(".topic-list li")]


def test_a_to_z_starts_at_the_first_letter(client, a_to_z):
    page = soup(get_ok(client, "/topics/"))

    assert letters(page) == ["#", "A", "B", "Ж", "З"]
    assert page.select_one(".letters strong[aria-current=page]").get_text() == "#"
    assert listed_topics(page) == ["1984–85 miners' strike"]


def test_a_to_z_letter_lists_its_topics_by_name(client, a_to_z):
    page = soup(get_ok(client, "/topics/?letter=A"))

    assert text(page.h2) == "A"
    assert listed_topics(page) == ["Amazon workers", "Argentina"]
    assert [text(item.select_one(".kind")) for item in page.select(".topic-list li")] == [
        "Organisation",
        "Place",
    ]
    # Names starting with a small letter are filed under the capital.
    assert listed_topics(soup(get_ok(client, "/topics/?letter=B"))) == ["bakers' union"]


def test_a_to_z_with_cyrillic_names(client, a_to_z):
    page = soup(get_ok(client, "/topics/?letter=A"))
    link = page.select_one(".letters").find("a", string="Ж")
    assert link["href"] == "?letter=%D0%96"

    cyrillic = soup(get_ok(client, f"/topics/{link['href']}"))

    assert text(cyrillic.h2) == "Ж"
    assert listed_topics(cyrillic) == ["Жанаозен", "Жилищный вопрос"]
    assert listed_topics(soup(get_ok(client, "/topics/?letter=З"))) == ["Забастовка"]
    # Every topic listed has a working page of its own, which links back to its letter.
    for anchor in cyrillic.select(".topic-list a"):
        topic_page = soup(get_ok(client, anchor["href"]))
        back = topic_page.find("a", string="More topics under Ж")
        assert back["href"] == "/topics/?letter=%D0%96"


def test_a_to_z_with_no_topics(client):
    page = soup(get_ok(client, "/topics/"))

    assert letters(page) == []
    assert text(page.select_one(".empty")) == "No topics yet."


# Pagination -----------------------------------------------------------------------------------


@pytest.fixture
def seven_articles(db):
    """Seven live articles in one category, topic, author and month, and one elsewhere."""
    category = CategoryFactory(name="Workplace")
    topic = TopicFactory(name="Strikes")
    author = AuthorFactory(name="Maria Ivanova")
    for day in range(1, 8):
        article = ArticleFactory(
            title=f"June {day}", category=category, topics=[topic], date=at(2026, 6, day)
        )
        credit(article, author)
    ArticleFactory(title="May", category=CategoryFactory(name="Youth"), date=at(2026, 5, 1))


PAGINATED = [
    "/category/workplace/",
    "/topics/strikes/",
    "/authors/maria-ivanova/",
    "/archive/2026/06/",
    "/news/",
]


def pagination(response):
    nav = soup(response).select_one("nav.pagination")
    if nav is None:
        return None
    newer, older = nav.find("a", rel="prev"), nav.find("a", rel="next")
    return (
        text(nav.span),
        newer["href"] if newer else None,
        older["href"] if older else None,
    )


@override_settings(CLARION_PAGE_SIZE=3)
@pytest.mark.parametrize("url", PAGINATED)
def test_pages_of_a_list_link_to_each_other(client, seven_articles, url):
    first = get_ok(client, url)
    assert titles(first) == ["June 7", "June 6", "June 5"]
    assert pagination(first) == ("Page 1 of 3", None, f"{url}?page=2")

    second = get_ok(client, pagination(first)[2])
    assert titles(second) == ["June 4", "June 3", "June 2"]
    assert pagination(second) == ("Page 2 of 3", url, f"{url}?page=3")

    third = get_ok(client, pagination(second)[2])
    # /news/ has everything, including May's article from another category.
    assert titles(third) == (["June 1", "May"] if url == "/news/" else ["June 1"])
    assert pagination(third) == ("Page 3 of 3", f"{url}?page=2", None)

    back = get_ok(client, pagination(third)[1])
    assert titles(back) == titles(second)


@override_settings(CLARION_PAGE_SIZE=3)
def test_page_links_keep_the_other_query_parameters(client, seven_articles):
    response = get_ok(client, "/category/workplace/?utm_source=newsletter")

    assert pagination(response)[2] == "/category/workplace/?page=2&utm_source=newsletter"
    second = get_ok(client, pagination(response)[2])
    assert pagination(second)[1] == "/category/workplace/?utm_source=newsletter"


def test_default_page_size_is_twenty(client, settings):
    assert settings.CLARION_PAGE_SIZE == 20
    for day in range(1, 23):
        ArticleFactory(title=f"Story {day}", date=at(2026, 6, day))

    first = get_ok(client, "/news/")
    second = get_ok(client, "/news/?page=2")

    assert len(titles(first)) == 20
    assert titles(second) == ["Story 2", "Story 1"]
    assert pagination(first) == ("Page 1 of 2", None, "/news/?page=2")


def test_single_page_list_has_no_page_links(client, seven_articles):
    response = get_ok(client, "/category/workplace/")

    assert len(titles(response)) == 7
    assert pagination(response) is None
    assert get_ok(client, "/category/workplace/?page=1").content == response.content


# Bad addresses --------------------------------------------------------------------------------

LIST_PAGES = [*PAGINATED, "/editions/", "/topics/"]
BAD_PAGE_NUMBERS = ["99999", "abc", "-1", "0", "", "1.5", "%C2%B2", "1e3", "4", "12345678901234"]


@pytest.fixture
def bad_url_site(seven_articles, a_to_z):
    from clarion.newsroom.tests.factories import EditionFactory

    EditionFactory()


def statuses(client, urls):
    """{url: status} for every url whose status is not 404."""
    return {url: status for url in urls if (status := client.get(url).status_code) != 404}


@override_settings(CLARION_PAGE_SIZE=3)
@pytest.mark.parametrize("url", LIST_PAGES)
def test_bad_page_numbers_are_not_found(client, bad_url_site, url):
    assert client.get(f"{url}?page=1").status_code == 200
    assert statuses(client, [f"{url}?page={number}" for number in BAD_PAGE_NUMBERS]) == {}


BAD_ADDRESSES = [
    "/category/no-such-category/",
    "/topics/no-such-topic/",
    "/authors/nobody/",
    "/news/no-such-article/",
    "/news/no-such-article/print/",
    "/editions/no-such-issue/",
    "/no-such-page/",
    "/archive/2026/13/",
    "/archive/2026/00/",
    "/archive/2026/99/",
    "/archive/0000/01/",
    "/archive/9999/12/",
    "/archive/2026/6/",
    "/archive/26/06/",
    "/archive/abcd/06/",
    "/archive/2026/",
    "/topics/?letter=zz",
    "/topics/?letter=",
    "/topics/?letter=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/topics/?letter=%00",
    "/topics/?letter=Q",
    "/a/99999999999/",
    "/a/abc/",
]


def test_bad_addresses_are_not_found(client, bad_url_site):
    assert statuses(client, BAD_ADDRESSES) == {}


@pytest.mark.parametrize("letter", ["zz", "A", "%00"])
def test_a_to_z_letter_is_not_found_when_there_are_no_topics(client, letter):
    assert client.get(f"/topics/?letter={letter}").status_code == 404


IGNORED_PARAMETERS = [
    "/?utm_source=newsletter&fbclid=abc",
    "/news/?utm_source=newsletter",
    "/category/workplace/?foo=bar&page=1",
    "/topics/strikes/?ref=%00",
    "/authors/maria-ivanova/?x=%C2%B2",
    "/archive/2026/06/?month=13",
    "/archive/?year=abcd",
    "/topics/?letter=A&utm_campaign=x",
    "/editions/?ref=home",
    "/news/june-1/?utm_medium=social",
    "/news/june-1/print/?utm_medium=social",
]


def test_unknown_query_parameters_are_ignored(client, bad_url_site):
    assert {url: client.get(url).status_code for url in IGNORED_PARAMETERS} == dict.fromkeys(
        IGNORED_PARAMETERS, 200
    )


def test_not_found_page_helps_the_reader_on(client, bad_url_site):
    for url in ("/no-such-page/", "/category/workplace/?page=abc", "/archive/2026/13/"):
        response = client.get(url)
        page = soup(response)

        assert response.status_code == 404
        assert text(page.h1) == "Page not found"
        assert "there is nothing at this address" in text(page.select_one("main"))
        links = {a["href"] for a in page.select("main a")}
        assert {"/", "/news/", "/archive/"} <= links
        # Still the paper's own page, with its navigation, and not for search engines.
        assert page.select_one(".site-nav") is not None
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


# Query budgets --------------------------------------------------------------------------------


@override_settings(CLARION_PAGE_SIZE=50)
def test_list_pages_use_the_same_queries_for_ten_or_fifty_articles(
    client, django_assert_max_num_queries
):
    category = CategoryFactory(name="Workplace")
    topic = TopicFactory(name="Strikes")
    author = AuthorFactory(name="Maria Ivanova", photo=ImageFactory())
    urls = {
        "category": "/category/workplace/",
        "topic": "/topics/strikes/",
        "author": "/authors/maria-ivanova/",
        "month": "/archive/2026/06/",
        "news": "/news/",
        "topics": "/topics/?letter=T",
        "archive": "/archive/",
    }

    counts = []
    for day, extra in ((1, 10), (2, 40)):  # 10 articles, then 50
        for _ in range(extra):
            others = TopicFactory.create_batch(2)  # "Topic n": under T in the A–Z
            article = ArticleFactory(
                category=category, topics=[topic, *others], date=at(2026, 6, day)
            )
            credit(article, author, AuthorFactory())
        counts.append(
            {
                name: measure(client, url, django_assert_max_num_queries, LIST_PAGE_QUERIES[name])
                for name, url in urls.items()
            }
        )

    ten, fifty = counts
    for name, url in urls.items():
        assert ten[name][0] == fifty[name][0] == LIST_PAGE_QUERIES[name], name
        if name not in ("topics", "archive"):
            assert len(titles(ten[name][1])) == 10, url
            assert len(titles(fifty[name][1])) == 50, url
    assert len(listed_topics(soup(ten["topics"][1]))) == 20
    assert len(listed_topics(soup(fifty["topics"][1]))) == 100
