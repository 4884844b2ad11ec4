"""The article editor in the Wagtail admin, driven through its real forms."""

import pytest
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from clarion.newsroom.models import Article
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    EditionFactory,
    EditionSectionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def edit_form(admin_client, article):
    """The edit form's data as the browser would send it. The body editor is built by
    JavaScript, so its fields are supplied the way its script would post them."""
    response = admin_client.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    body = nested_form_data(
        {"body": streamfield([("paragraph", rich_text("<p>What happened at the pit.</p>"))])}
    )
    for name, value in body.items():
        data[name] = value
    return response, data


@pytest.fixture
def two_editions():
    first, second = EditionFactory(), EditionFactory()
    headings = {
        "News": EditionSectionFactory(edition=first, heading="News", sort_order=0),
        "Analysis": EditionSectionFactory(edition=first, heading="Analysis", sort_order=1),
        "Letters": EditionSectionFactory(edition=second, heading="Letters", sort_order=0),
    }
    return first, second, headings


def test_edit_form_offers_only_the_articles_own_edition_headings(admin_client, two_editions):
    first, _second, headings = two_editions
    article = ArticleFactory(edition=first, edition_section=headings["News"])

    response, _data = edit_form(admin_client, article)
    html = response.content.decode()
    start = html.index('name="edition_section"')
    select = html[start : html.index("</select>", start)]
    assert "News" in select and "Analysis" in select
    assert "Letters" not in select


def test_heading_from_another_edition_is_refused_and_nothing_changes(admin_client, two_editions):
    first, _second, headings = two_editions
    article = ArticleFactory(title="Placed story", edition=first, edition_section=headings["News"])

    _response, data = edit_form(admin_client, article)
    data["edition_section"] = str(headings["Letters"].pk)
    data["title"] = "Renamed story"
    data["action-publish"] = "action-publish"
    response = admin_client.post(f"/admin/pages/{article.pk}/edit/", data)

    assert response.status_code == 200  # the form again, not a redirect
    assert "Choose a heading from this article" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Placed story"
    assert article.edition_section == headings["News"]


def test_editor_files_an_article_under_topics_and_publishes_it(admin_client, client):
    miners, karaganda = TopicFactory(name="Miners"), TopicFactory(name="Караганда")
    neighbour = ArticleFactory(title="Earlier pit report", topics=[karaganda])
    article = ArticleFactory(title="Pit strike spreads")  # the factory dates each one later

    _response, data = edit_form(admin_client, article)
    data["article_topics-TOTAL_FORMS"] = "2"
    for number, topic in enumerate([miners, karaganda]):
        data[f"article_topics-{number}-topic"] = str(topic.pk)
        data[f"article_topics-{number}-ORDER"] = str(number + 1)
        data[f"article_topics-{number}-id"] = ""
    data["action-publish"] = "action-publish"
    response = admin_client.post(f"/admin/pages/{article.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    article = Article.objects.get(pk=article.pk)
    assert article.get_topics() == [miners, karaganda]
    page = client.get(article.url).content.decode()
    related = page[page.index("Related links") :]
    assert "Караганда" in related and "Earlier pit report" in related
    topic_page = client.get(karaganda.get_absolute_url()).content.decode()
    listing = topic_page[topic_page.index("<main") : topic_page.index("</main>")]
    assert listing.index("Pit strike spreads") < listing.index(neighbour.title)
