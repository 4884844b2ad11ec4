"""Structured data and social meta tags: the article page's NewsArticle and BreadcrumbList
JSON-LD and its Open Graph / Twitter tags, the site-wide defaults on every other page, the
home page's WebSite JSON-LD — absolute URLs throughout, and nothing in a headline can break
out of the JSON-LD script."""

import datetime
import json
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from clarion.discovery.structured_data import json_for_script, language_tag, news_language
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    EditionFactory,
    ImageFactory,
    TopicFactory,
    credit,
    news_index,
    paper_settings,
)

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"  # the default Wagtail site's address, as canonical links give it
UTC = datetime.UTC


def at(day, hour=12):
    return datetime.datetime(2026, 6, day, hour, 0, tzinfo=UTC)


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def json_ld(page):
    """{@type: data} of every JSON-LD block in the <head>; each must parse as JSON."""
    blocks = page.head.find_all("script", type="application/ld+json")
    assert len(blocks) == len(page.find_all("script", type="application/ld+json"))
    found = {}
    for block in blocks:
        data = json.loads(block.string)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] not in found
        found[data["@type"]] = data
    return found


def meta(page):
    """{name or property: [content, …]} of the <head>'s meta tags."""
    found = {}
    for tag in page.head.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(key, []).append(tag["content"])
    return found


def one(tags, key):
    assert len(tags.get(key, [])) == 1, (key, tags.get(key))
    return tags[key][0]


@pytest.fixture
def paper(db):
    return paper_settings(
        paper_name="The Morning Clarion",
        organisation_name="Workers Party",
        tagline="Weekly paper of the movement",
    )


@pytest.fixture
def article(paper):
    workplace = CategoryFactory(name="Workplace", description="Strikes, unions and the job")
    strikes, glasgow = TopicFactory(name="Strikes"), TopicFactory(name="Glasgow")
    story = ArticleFactory(
        title="Bin workers strike against pay cut",
        kicker="Glasgow",
        standfirst="Pickets at every depot as the council's offer falls apart.",
        category=workplace,
        topics=[strikes, glasgow],
        lead_image=ImageFactory(),
        lead_image_caption="Pickets at the Polmadie depot",
        date=at(3, 9),
    )
    credit(story, AuthorFactory(name="Maria Ivanova"), AuthorFactory(name="Ivan Petrov"))
    return story


# The article page's JSON-LD -------------------------------------------------------------------


def test_news_article_json_ld(client, article):
    data = json_ld(page_of(client, article.url))["NewsArticle"]

    assert data["headline"] == "Bin workers strike against pay cut"
    assert data["alternativeHeadline"] == "Glasgow"
    assert data["description"] == "Pickets at every depot as the council's offer falls apart."
    assert datetime.datetime.fromisoformat(data["datePublished"]) == at(3, 9)
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert modified == article.last_published_at.replace(microsecond=0)
    assert modified >= datetime.datetime.fromisoformat(data["datePublished"])
    assert data["author"] == [
        {"@type": "Person", "name": "Maria Ivanova", "url": f"{ROOT}/authors/maria-ivanova/"},
        {"@type": "Person", "name": "Ivan Petrov", "url": f"{ROOT}/authors/ivan-petrov/"},
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "The Morning Clarion",
        "url": f"{ROOT}/",
    }
    image = urlsplit(data["image"])
    assert (image.scheme, image.netloc) == ("http", "localhost")
    assert image.path.startswith("/media/images/") and ".width-800." in image.path
    assert data["articleSection"] == "Workplace"
    assert data["keywords"] == ["Strikes", "Glasgow"]  # the editor's order
    assert data["mainEntityOfPage"] == data["url"] == article.full_url == f"{ROOT}{article.url}"
    assert data["inLanguage"] == "en-GB"


def test_free_text_byline_is_the_author_when_no_author_is_linked(client, paper):
    article = ArticleFactory(byline="Our Almaty correspondent")

    data = json_ld(page_of(client, article.url))["NewsArticle"]

    assert data["author"] == [{"@type": "Person", "name": "Our Almaty correspondent"}]


def test_without_byline_or_image_the_paper_is_the_author(client, paper):
    article = ArticleFactory(kicker="", standfirst="")

    data = json_ld(page_of(client, article.url))["NewsArticle"]

    assert data["author"] == [
        {"@type": "Organization", "name": "The Morning Clarion", "url": f"{ROOT}/"}
    ]
    for absent in ("image", "alternativeHeadline", "description", "keywords"):
        assert absent not in data, absent


def test_breadcrumbs_home_category_article(client, article):
    data = json_ld(page_of(client, article.url))["BreadcrumbList"]

    assert data["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "The Morning Clarion", "item": f"{ROOT}/"},
        {
            "@type": "ListItem",
            "position": 2,
            "name": "Workplace",
            "item": f"{ROOT}/category/workplace/",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Bin workers strike against pay cut",
            "item": article.full_url,
        },
    ]


HOSTILE = "</script><script>alert(1)</script><!-- & \u2028"


def test_html_in_a_headline_cannot_break_out_of_the_json_ld(client, paper):
    article = ArticleFactory(
        title=HOSTILE, kicker="</SCRIPT >", standfirst="<img src=x onerror=alert(1)>"
    )

    response = client.get(article.url)
    page = BeautifulSoup(response.content, "html.parser")

    assert b"<script>alert(1)" not in response.content
    assert b"</SCRIPT >" not in response.content
    assert b"<img src=x" not in response.content
    # Only the two JSON-LD data blocks: no script was injected, none was cut short.
    scripts = page.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"] * 2
    data = json_ld(page)
    assert data["NewsArticle"]["headline"] == HOSTILE
    assert data["NewsArticle"]["alternativeHeadline"] == "</SCRIPT >"
    assert data["NewsArticle"]["description"] == "<img src=x onerror=alert(1)>"
    assert data["BreadcrumbList"]["itemListElement"][-1]["name"] == HOSTILE
    # The meta tags hold it as escaped attribute text.
    assert one(meta(page), "og:title") == HOSTILE


def test_json_for_script_escapes_what_could_end_the_element():
    text = json_for_script({"a": "</script><!--&"})

    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&"}


def test_language_codes():
    assert language_tag("en-gb") == "en-GB"
    assert language_tag("kk") == "kk"
    assert news_language("en-gb") == "en"
    assert news_language("ru") == "ru"
    assert news_language("zh-tw") == "zh-tw"


# The article page's social meta -----------------------------------------------------------------


def test_article_open_graph_and_twitter_card(client, article):
    tags = meta(page_of(client, article.url))

    assert one(tags, "og:site_name") == "The Morning Clarion"
    assert one(tags, "og:type") == "article"
    assert one(tags, "og:title") == "Bin workers strike against pay cut"
    assert one(tags, "og:description") == (
        "Pickets at every depot as the council's offer falls apart."
    )
    assert one(tags, "og:url") == article.full_url
    image = one(tags, "og:image")
    assert image.startswith(f"{ROOT}/media/images/") and ".width-800." in image
    assert int(one(tags, "og:image:width")) > 0
    assert one(tags, "og:image:alt") == "Pickets at the Polmadie depot"
    assert datetime.datetime.fromisoformat(one(tags, "article:published_time")) == at(3, 9)
    assert one(tags, "article:section") == "Workplace"
    assert tags["article:tag"] == ["Strikes", "Glasgow"]
    assert tags["article:author"] == [
        f"{ROOT}/authors/maria-ivanova/",
        f"{ROOT}/authors/ivan-petrov/",
    ]
    assert one(tags, "twitter:card") == "summary_large_image"
    assert one(tags, "og:locale") == "en_GB"


def test_article_without_an_image_has_a_summary_card(client, paper):
    article = ArticleFactory()

    tags = meta(page_of(client, article.url))

    assert one(tags, "twitter:card") == "summary"
    assert "og:image" not in tags
    assert one(tags, "og:type") == "article"


def test_meta_urls_are_absolute_and_nothing_loads_from_elsewhere(client, article):
    page = page_of(client, article.url)

    for key in ("og:url", "og:image", "article:author"):
        for value in meta(page)[key]:
            assert urlsplit(value).netloc == "localhost", (key, value)
    for element in page.find_all(["img", "script", "link", "iframe", "source"]):
        for attribute in ("src", "srcset"):
            if element.get(attribute):
                assert urlsplit(element[attribute]).netloc in ("", "testserver"), element


# Every other page ------------------------------------------------------------------------------


def test_home_page_defaults_and_website_json_ld(client, paper, home):
    page = page_of(client, "/")
    tags = meta(page)

    assert one(tags, "og:site_name") == "The Morning Clarion"
    assert one(tags, "og:type") == "website"
    assert one(tags, "og:title") == "The Morning Clarion"
    assert one(tags, "og:description") == "Weekly paper of the movement"
    assert one(tags, "og:url") == f"{ROOT}/"
    assert one(tags, "twitter:card") == "summary"
    assert json_ld(page) == {
        "WebSite": {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "The Morning Clarion",
            "url": f"{ROOT}/",
            "description": "Weekly paper of the movement",
            "inLanguage": "en-GB",
            "publisher": {
                "@type": "Organization",
                "name": "The Morning Clarion",
                "url": f"{ROOT}/",
                "parentOrganization": {"@type": "Organization", "name": "Workers Party"},
            },
        }
    }


def test_listing_pages_describe_themselves(client, article):
    edition = EditionFactory(number=1203, title="Issue 1203")
    cases = {
        "/category/workplace/": ("Workplace", "Strikes, unions and the job"),
        "/topics/strikes/": ("Strikes", None),
        "/authors/maria-ivanova/": ("Maria Ivanova", None),
        "/archive/2026/06/": ("June 2026", "Weekly paper of the movement"),
        "/news/": ("News", "Weekly paper of the movement"),
        edition.url: ("Issue 1203", "Weekly paper of the movement"),
    }
    for url, (title, description) in cases.items():
        page = page_of(client, url)
        tags = meta(page)

        assert one(tags, "og:type") == "website", url
        assert one(tags, "og:title") == title, url
        assert one(tags, "og:url") == f"{ROOT}{url}", url
        assert tags.get("og:description", [None]) == [description], url
        assert one(tags, "twitter:card") == "summary", url
        assert json_ld(page) == {}, url  # WebSite JSON-LD is for the home page only


def test_not_found_page_still_renders(client, paper):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    tags = meta(BeautifulSoup(response.content, "html.parser"))
    assert one(tags, "og:title") == "The Morning Clarion"


# Previews in the admin ---------------------------------------------------------------------------


def preview(admin_client, form_url, preview_url, **values):
    """The page as the editor's preview panel shows it, from the form's own data."""
    data = querydict_from_html(
        admin_client.get(form_url).content.decode(), form_id="page-edit-form"
    )
    body = nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Text.</p>"))])})
    for name, value in {**body, **values}.items():
        data[name] = value
    assert admin_client.post(preview_url, data).json()["is_valid"]
    response = admin_client.get(preview_url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_preview_of_a_new_article(admin_client, paper):
    news = news_index()
    category = CategoryFactory(name="Workplace")
    add = f"/admin/pages/add/newsroom/article/{news.pk}/"

    page = preview(
        admin_client,
        add,
        f"{add}preview/",
        title="Not saved yet",
        slug="not-saved-yet",
        category=str(category.pk),
    )

    data = json_ld(page)["NewsArticle"]
    assert data["headline"] == "Not saved yet"
    assert data["articleSection"] == "Workplace"
    assert one(meta(page), "og:title") == "Not saved yet"


def test_preview_of_an_edited_article(admin_client, article):
    edit = f"/admin/pages/{article.pk}/edit/"

    page = preview(admin_client, edit, f"{edit}preview/", title="A better headline")

    data = json_ld(page)["NewsArticle"]
    assert data["headline"] == "A better headline"
    assert data["keywords"] == ["Strikes", "Glasgow"]
    assert data["mainEntityOfPage"] == article.full_url
