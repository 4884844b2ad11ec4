"""The home page: the lead story, the latest news, the current edition and a block for each
category the paper puts on the front."""

import datetime

import pytest

from clarion.core.content_version import clear_caches
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    CategoryFactory,
    EditionFactory,
    EditionSectionFactory,
    ImageFactory,
    paper_settings,
)
from clarion.newsroom.tests.helpers import at, soup, text

pytestmark = pytest.mark.django_db


# Queries for the home page with a cold cache, the same for 10 or 50 articles and 2 or 8
# category blocks: site 1, home page 1, latest articles 1, current
# edition 1, its contents 1, categories 1, category blocks 1, paper settings 1, site root
# paths 1, navigation 1, lead image 1, cover image 1, archive months 1, sidebar latest 1,
# content version 1, restricted pages 1.
# The sidebar's organising parts add 3: coming meetings, regional organisers, and where
# /events/ and /branches/ are.
HOME_PAGE_QUERIES = 16 + 3


def home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    return soup(response)


def lead(page):
    headline = page.select_one(".lead-story__headline")
    return text(headline) if headline else None


def latest(page):
    return [text(title) for title in page.select(".latest .card__title")]


def category_blocks(page):
    return [
        (text(block.h2), [text(title) for title in block.select(".card__title")])
        for block in page.select(".category-block")
    ]


def test_newest_article_leads_and_the_rest_follow_newest_first(client):
    ArticleFactory(title="Monday", date=at(2026, 6, 1))
    ArticleFactory(
        title="Wednesday",
        kicker="Bolivia",
        standfirst="Miners win their strike.",
        date=at(2026, 6, 3),
        lead_image=ImageFactory(title="Miners marching"),
    )
    ArticleFactory(title="Tuesday", date=at(2026, 6, 2))
    ArticleFactory(title="Thursday's draft", date=at(2026, 6, 4), live=False)

    page = home_page(client)

    assert lead(page) == "Bolivia: Wednesday"
    assert page.select_one(".lead-story a")["href"] == "/news/wednesday/"
    assert text(page.select_one(".lead-story__standfirst")) == "Miners win their strike."
    assert page.select_one(".lead-story img")["alt"] == "Miners marching"
    assert latest(page) == ["Tuesday", "Monday"]
    assert page.select_one(".latest").find("a", string="More news…")["href"] == "/news/"


def test_latest_news_shows_ten(client):
    for day in range(1, 14):
        ArticleFactory(title=f"June {day}", date=at(2026, 6, day))

    page = home_page(client)

    assert lead(page) == "June 13"
    assert latest(page) == [f"June {day}" for day in range(12, 2, -1)]


def test_editors_choice_of_lead_story(client, home):
    chosen = ArticleFactory(title="The big one", date=at(2026, 5, 1))
    for day in range(1, 12):
        ArticleFactory(title=f"June {day}", date=at(2026, 6, day))
    home.lead_story = chosen
    home.save_revision().publish()

    page = home_page(client)

    assert lead(page) == "The big one"
    assert latest(page) == [f"June {day}" for day in range(11, 1, -1)]
    assert "The big one" not in latest(page)

    chosen.unpublish()
    page = home_page(client)
    assert lead(page) == "June 11"
    assert latest(page) == [f"June {day}" for day in range(10, 0, -1)]


def test_current_edition_and_its_contents(client):
    paper_settings(paper_name="The Morning Clarion")
    EditionFactory(number=1041, date=datetime.date(2026, 2, 25))
    current = EditionFactory(
        number=1042, date=datetime.date(2026, 3, 4), cover_image=ImageFactory()
    )
    EditionFactory(number=1043, date=datetime.date(2026, 3, 11), live=False)
    front = EditionSectionFactory(edition=current, heading="Front page", sort_order=0)
    reviews = EditionSectionFactory(edition=current, heading="Reviews", sort_order=1)
    ArticleFactory(title="A film", edition=current, edition_section=reviews)
    ArticleFactory(title="The lead", edition=current, edition_section=front)

    page = home_page(client)
    section = page.select_one(".current-edition")

    assert text(section.h2) == "In the paper: 4 March 2026"
    assert section.h2.a["href"] == "/editions/issue-1042/"
    assert [text(h) for h in section.select(".toc__heading")] == ["Front page", "Reviews"]
    assert [text(li) for li in section.select(".toc li")] == ["The lead", "A film"]
    cover = section.select_one(".edition__cover img")
    assert cover["alt"] == "Front page of issue 1042"
    assert cover["src"].startswith("/media/")


def test_category_blocks_in_the_papers_order(client):
    editorial = CategoryFactory(name="Editorial", sort_order=0)
    workplace = CategoryFactory(name="Workplace", sort_order=2)
    youth = CategoryFactory(name="Youth", sort_order=1)
    hidden = CategoryFactory(name="Announcements", sort_order=0, show_on_home=False)
    CategoryFactory(name="Empty", sort_order=0)
    for day in range(1, 7):
        ArticleFactory(title=f"Workplace {day}", category=workplace, date=at(2026, 6, day))
    ArticleFactory(title="Workplace draft", category=workplace, date=at(2026, 6, 30), live=False)
    ArticleFactory(title="Youth 1", category=youth, date=at(2026, 5, 1))
    ArticleFactory(title="Editorial 1", category=editorial, date=at(2026, 4, 1))
    ArticleFactory(title="Announcement", category=hidden, date=at(2026, 4, 2))

    page = home_page(client)

    assert category_blocks(page) == [
        ("Editorial", ["Editorial 1"]),
        ("Youth", ["Youth 1"]),
        ("Workplace", ["Workplace 6", "Workplace 5", "Workplace 4", "Workplace 3"]),
    ]
    block = page.select(".category-block")[2]
    assert block.h2.a["href"] == "/category/workplace/"
    assert block.find("a", string="More Workplace articles…")["href"] == "/category/workplace/"


def test_home_page_of_a_new_paper(client):
    page = home_page(client)

    assert lead(page) is None
    assert page.select_one(".latest") is None
    assert page.select_one(".current-edition") is None
    assert page.select(".category-block") == []
    assert text(page.h1) == "The Clarion"


def test_home_page_queries_do_not_grow_with_articles_or_categories(
    client, django_assert_max_num_queries
):
    edition = EditionFactory(cover_image=ImageFactory())
    section = EditionSectionFactory(edition=edition, heading="News", sort_order=0)
    counts = []
    for articles, categories in ((10, 2), (40, 6)):  # 10 articles in 2 categories, then 50 in 8
        new_categories = [CategoryFactory() for _ in range(categories)]
        for n in range(articles):
            ArticleFactory(
                category=new_categories[n % categories],
                edition=edition,
                edition_section=section,
                lead_image=ImageFactory(),
            )
        client.get("/")  # makes the lead image's rendition
        clear_caches()
        with django_assert_max_num_queries(HOME_PAGE_QUERIES) as captured:
            page = home_page(client)
        counts.append((len(captured), page))

    (few, few_page), (many, many_page) = counts
    assert few == many == HOME_PAGE_QUERIES
    assert len(category_blocks(few_page)) == 2
    assert len(category_blocks(many_page)) == 8
    assert len(few_page.select(".current-edition .toc li")) == 10
    assert len(many_page.select(".current-edition .toc li")) == 50
