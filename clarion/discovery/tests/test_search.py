"""Searching the paper: ranking, filters, snippets, Cyrillic, and hostile input."""

import pytest
from wagtail.models import PageViewRestriction

from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    EditionFactory,
    TopicFactory,
    credit,
)
from clarion.newsroom.tests.helpers import at

pytestmark = pytest.mark.django_db


def paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def result_titles(response):
    html = response.content.decode()
    if '<ol class="search-results">' not in html:
        return []
    listing = html[html.index('<ol class="search-results">') : html.index("</ol>")]
    return [
        chunk.split("</a>")[0].split(">")[-1]
        for chunk in listing.split('<h2 class="card__title">')[1:]
    ]


def test_a_headline_match_ranks_above_a_passing_mention(client):
    ArticleFactory(
        title="Council budget report",
        standfirst="Figures for the year.",
        body=paragraph("Among many items, the dockers were mentioned once."),
        date=at(2026, 6, 3),
    )
    ArticleFactory(
        title="Dockers walk out at the port",
        standfirst="A story about the harbour.",
        body=paragraph("The harbour stood still all day."),
        date=at(2026, 6, 1),
    )
    titles = result_titles(client.get("/search/", {"q": "dockers"}))
    assert titles == ["Dockers walk out at the port", "Council budget report"]
    # newest first when asked
    by_date = result_titles(client.get("/search/", {"q": "dockers", "sort": "date"}))
    assert by_date == ["Council budget report", "Dockers walk out at the port"]


def test_cyrillic_text_is_searchable(client):
    ArticleFactory(title="Шахтёры объявили забастовку", body=paragraph("Забастовка продолжается."))
    ArticleFactory(title="Unrelated English story", body=paragraph("Nothing here."))
    titles = result_titles(client.get("/search/", {"q": "забастовка"}))
    assert titles == ["Шахтёры объявили забастовку"]


def test_snippets_mark_the_words_and_escape_the_text(client):
    ArticleFactory(
        title="Strike report",
        body=paragraph("Pickets said &lt;b&gt;no&lt;/b&gt; to the offer and the strike goes on."),
    )
    html = client.get("/search/", {"q": "strike"}).content.decode()
    assert "<mark>strike</mark>" in html
    assert "<b>no</b>" not in html  # text from the article is shown as text


def test_filters_narrow_the_results(client):
    workplace, youth = CategoryFactory(name="Workplace"), CategoryFactory(name="Youth")
    miners = TopicFactory(name="Miners")
    writer = AuthorFactory(name="Dana Writer")
    edition = EditionFactory()
    in_paper = ArticleFactory(
        title="Pay strike in the paper", category=workplace, edition=edition, date=at(2026, 3, 4)
    )
    on_topic = ArticleFactory(
        title="Pay strike at the pit", category=workplace, topics=[miners], date=at(2026, 4, 4)
    )
    by_writer = ArticleFactory(title="Pay strike by students", category=youth, date=at(2026, 5, 4))
    credit(by_writer, writer)

    def titles(**params):
        return set(result_titles(client.get("/search/", {"q": "pay strike", **params})))

    assert titles() == {in_paper.title, on_topic.title, by_writer.title}
    assert titles(category="youth") == {by_writer.title}
    assert titles(topic="miners") == {on_topic.title}
    assert titles(topic="Miners") == {on_topic.title}  # its name works as well as its slug
    assert titles(author=writer.slug) == {by_writer.title}
    assert titles(edition=edition.number) == {in_paper.title}
    assert titles(date_from="2026-04-01", date_to="2026-04-30") == {on_topic.title}
    # filters alone, without words, list what they match, newest first
    listed = result_titles(client.get("/search/", {"category": "workplace"}))
    assert listed == [on_topic.title, in_paper.title]


def test_unknown_filter_values_are_explained_and_ignored(client):
    ArticleFactory(title="Strike news")
    html = client.get(
        "/search/", {"q": "strike", "topic": "no-such-topic", "date_from": "2026-13-40"}
    ).content.decode()
    assert "There is no topic with that name." in html
    assert "Enter a valid date." in html
    assert "Strike news" in html


def test_unpublished_and_restricted_articles_are_never_found(client):
    ArticleFactory(title="Public strike story")
    ArticleFactory(title="Draft strike story", live=False)
    secret = ArticleFactory(title="Members strike briefing")
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    assert result_titles(client.get("/search/", {"q": "strike"})) == ["Public strike story"]


HOSTILE = [
    "",
    "x" * 5000,
    '"strike',
    "'; DROP TABLE newsroom_article; --",
    "<script>alert('x')</script>",
    "(((strike",
    "strike]]",
    "😀🔥",
    "AND OR NOT NEAR",
    "*",
    "^~\\",
    "\x00strike",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_sensible_page(client, query):
    ArticleFactory(title="Strike story")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<h1>Search</h1>" in html


def test_a_very_long_query_is_shortened_with_a_notice(client):
    ArticleFactory(title="Strike story")
    html = client.get("/search/", {"q": "strike " + "x" * 5000}).content.decode()
    assert "only its first 200 characters were used" in html


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_refused_politely(client, day):
    ArticleFactory(title="Strike story")
    for field in ("date_from", "date_to"):
        response = client.get("/search/", {"q": "strike", field: day})
        assert response.status_code == 200
        assert "Choose a date between 1800 and 2999." in response.content.decode()


@pytest.mark.parametrize("page", ["999", "abc", "-1", "0", "99999999999999999999"])
def test_odd_page_numbers_get_a_sensible_page(client, page):
    for n in range(3):
        ArticleFactory(title=f"Strike story {n}")
    response = client.get("/search/", {"q": "strike", "page": page})
    assert response.status_code == 200
    html = response.content.decode()
    if page == "999":
        assert "There are no more results" in html
    else:
        assert "Strike story 0" in html


def test_search_queries_do_not_grow_with_the_results(client, django_assert_max_num_queries):
    for n in range(25):
        ArticleFactory(title=f"Strike story {n}", topics=[TopicFactory()])
    # 16, and the content-version read the page cache makes (at most 4 times a second)
    with django_assert_max_num_queries(17):
        response = client.get("/search/", {"q": "strike"})
    assert len(result_titles(response)) == 20
