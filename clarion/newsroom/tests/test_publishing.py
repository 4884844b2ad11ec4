"""Wagtail's editorial features on articles, as the newsroom uses them: drafts, previews,
scheduled publishing, the moderation workflow, and what publishing changes for readers."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail.models import Revision
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from clarion.newsroom.models import Article
from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    TopicFactory,
    credit,
    news_index,
)
from clarion.newsroom.tests.helpers import LONDON, at, soup, text

pytestmark = pytest.mark.django_db


def headline(client, url):
    response = client.get(url)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, url
    return text(soup(response).select_one("h1.article__headline"))


def listed(client, url):
    """Headlines linked from a reading page (cards, lists and the lead story)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return {text(a) for a in soup(response).select("main a")}


@pytest.fixture
def user(django_user_model):
    def make(username, group=None):
        person = django_user_model.objects.create_user(
            username=username, email=f"{username}@paper.example", password="a long password 123"
        )
        if group:
            person.groups.add(Group.objects.get(name=group))
        return person

    return make


def edit_form(client, url, **changes):
    """The admin's page form at `url` as the browser would send it, with `changes`; the body
    (drawn by JavaScript in the browser) is sent as one paragraph."""
    response = client.get(url)
    assert response.status_code == 200, url
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    body = changes.pop("body", "<p>Text written in the editor.</p>")
    nested = {"body": streamfield([("paragraph", rich_text(body))])}
    if "topics" in changes:  # the inline list of topics, in the editor's order
        nested["article_topics"] = inline_formset([{"topic": t} for t in changes.pop("topics")])
    for name, value in [*nested_form_data(nested).items(), *changes.items()]:
        data[name] = value
    return data


# Drafts and previews --------------------------------------------------------------------------


def test_saving_a_draft_keeps_the_live_article_unchanged(client, user):
    editor = user("editor", "Editors")
    article = ArticleFactory(title="Original headline", date=at(2026, 6, 1, 9, 0))
    revisions = article.revisions.count()

    draft = Article.objects.get(pk=article.pk)
    draft.title = "Edited headline"
    revision = draft.save_revision(user=editor)

    article.refresh_from_db()
    assert article.revisions.count() == revisions + 1
    assert article.latest_revision == revision
    assert revision.user == editor
    assert article.has_unpublished_changes
    assert article.live
    assert headline(client, article.url) == "Original headline"
    assert "Original headline" in listed(client, "/news/")
    assert "Edited headline" not in listed(client, "/news/")

    revision.publish()
    assert headline(client, article.url) == "Edited headline"
    # Re-publishing does not move the article in the archive: its date stays.
    assert Article.objects.get(pk=article.pk).date == at(2026, 6, 1, 9, 0)


def test_preview_of_a_draft_renders_the_draft(client):
    article = ArticleFactory(title="Original headline")
    draft = Article.objects.get(pk=article.pk)
    draft.title = "Draft headline"
    revision = draft.save_revision()

    response = revision.as_object().make_preview_request()

    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("h1.article__headline")) == "Draft headline"
    assert page.select_one(".article__body") is not None
    assert headline(client, article.url) == "Original headline"


def test_admin_preview_of_changes_to_an_article(admin_client, client):
    category = CategoryFactory(name="Workplace")
    article = ArticleFactory(title="Original headline", category=category)
    credit(article, AuthorFactory(name="Maria Ivanova"))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    data = edit_form(
        admin_client,
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        title="Headline being edited",
        body="<p>A paragraph not yet saved.</p>",
    )

    assert admin_client.post(url, data).json()["is_valid"] is True
    response = admin_client.get(url)

    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("h1.article__headline")) == "Headline being edited"
    assert "A paragraph not yet saved." in text(page.select_one(".article__body"))
    assert "Maria Ivanova" in text(page.select_one(".article__byline"))
    # Previewing saves nothing.
    assert headline(client, article.url) == "Original headline"
    assert article.revisions.count() == 1


def test_admin_preview_of_a_new_article(admin_client, client):
    category = CategoryFactory(name="Workplace")
    topic = TopicFactory(name="Strikes")
    ArticleFactory(title="Already out", topics=[topic])
    index = news_index()
    add_url = reverse("wagtailadmin_pages:add", args=["newsroom", "article", index.pk])
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["newsroom", "article", index.pk]
    )
    data = edit_form(
        admin_client,
        add_url,
        title="A story nobody has saved",
        slug="a-story-nobody-has-saved",
        kicker="Exclusive",
        category=str(category.pk),
        topics=[topic.pk],
        body="<p>Fresh from the newsroom.</p>",
    )

    assert admin_client.post(preview_url, data).json()["is_valid"] is True
    response = admin_client.get(preview_url)

    assert response.status_code == 200
    page = soup(response)
    assert text(page.select_one("h1.article__headline")) == "Exclusive: A story nobody has saved"
    assert "Fresh from the newsroom." in text(page.select_one(".article__body"))
    assert "Already out" in text(page.select_one(".related-links"))
    assert not Article.objects.filter(slug="a-story-nobody-has-saved").exists()


# Scheduled publishing -------------------------------------------------------------------------


def test_scheduled_article_goes_live_only_when_its_time_has_come(client, user):
    moderator = user("moderator", "Moderators")
    article = ArticleFactory(title="Embargoed story", live=False, date=None)
    article.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = article.save_revision(user=moderator)
    revision.publish(user=moderator)  # with a future go_live_at: scheduled, not published

    article.refresh_from_db()
    revision.refresh_from_db()
    assert not article.live
    assert revision.approved_go_live_at == article.go_live_at
    assert headline(client, f"/news/{article.slug}/") is None

    call_command("publish_scheduled", verbosity=0)
    article.refresh_from_db()
    assert not article.live
    assert "Embargoed story" not in listed(client, "/")

    # The time comes: the approved revision's go-live time is now a few seconds ago.
    moment = timezone.now() - datetime.timedelta(seconds=5)
    revision.content["go_live_at"] = moment.isoformat()
    revision.approved_go_live_at = moment
    revision.save()
    call_command("publish_scheduled", verbosity=0)

    article.refresh_from_db()
    assert article.live
    assert headline(client, article.url) == "Embargoed story"
    assert "Embargoed story" in listed(client, "/")
    # Readers see it dated when it went live.
    assert abs(article.date - moment) < datetime.timedelta(seconds=1)
    line = text(soup(client.get(article.url)).select_one(".article__edition-line"))
    local = timezone.localtime(moment, LONDON)
    assert line == f"Posted on {date_format(local, 'j F Y')} at {date_format(local, 'H:i')}"


def test_article_published_without_a_date_is_dated_when_it_goes_live(client):
    article = ArticleFactory(title="Breaking", live=False, date=None)
    before = timezone.now()

    article.save_revision().publish()

    article.refresh_from_db()
    assert before <= article.date <= timezone.now()
    month = timezone.localtime(article.date).strftime("/archive/%Y/%m/")
    assert "Breaking" in listed(client, month)


# The moderation workflow ----------------------------------------------------------------------


def test_articles_go_through_moderators_approval(client, user):
    editor = user("editor", "Editors")
    moderator = user("moderator", "Moderators")
    article = ArticleFactory(title="Needs a second pair of eyes", live=False)

    workflow = article.get_workflow()
    assert workflow is not None and workflow.name == "Moderators approval"

    # The editor submits it for moderation from the edit page.
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    data = edit_form(client, edit_url, **{"action-submit": "Submit to Moderators approval"})
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    article = Article.objects.get(pk=article.pk)
    assert article.workflow_in_progress
    state = article.current_workflow_state
    assert state.status == state.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Moderators approval"
    assert not article.live
    client.logout()
    assert headline(client, f"/news/{article.slug}/") is None

    # A moderator approves it, and it is published.
    client.force_login(moderator)
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])
    )
    assert response.status_code in (200, 302)
    client.logout()

    article = Article.objects.get(pk=article.pk)
    state.refresh_from_db()
    assert state.status == state.STATUS_APPROVED
    assert not article.workflow_in_progress
    assert article.live
    assert headline(client, article.url) == "Needs a second pair of eyes"
    assert "Needs a second pair of eyes" in listed(client, "/")


def test_article_sent_back_by_a_moderator_stays_unpublished(client, user):
    editor = user("editor", "Editors")
    moderator = user("moderator", "Moderators")
    article = ArticleFactory(title="Not ready", live=False)
    article.save_revision(user=editor)
    state = article.get_workflow().start(article, editor)

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject")

    article.refresh_from_db()
    state.refresh_from_db()
    assert state.status == state.STATUS_NEEDS_CHANGES
    assert not article.live
    assert headline(client, f"/news/{article.slug}/") is None


# What publishing changes for readers ----------------------------------------------------------


def test_publishing_and_unpublishing_update_every_list(client):
    category = CategoryFactory(name="Environment")
    topic = TopicFactory(name="Heatwave")
    ArticleFactory(title="Already out", category=category, topics=[topic], date=at(2026, 6, 1))
    article = ArticleFactory(
        title="Fresh story", category=category, topics=[topic], date=at(2025, 3, 10), live=False
    )
    pages = ["/", "/news/", "/category/environment/", "/topics/heatwave/", "/archive/2025/03/"]

    def archive_months():
        return {a["href"] for a in soup(client.get("/archive/")).select(".month-list a")}

    for url in pages:  # also fills any caches
        assert "Fresh story" not in listed(client, url), url
    assert archive_months() == {"/archive/2026/06/"}

    article.save_revision().publish()

    for url in pages:
        assert "Fresh story" in listed(client, url), url
    assert archive_months() == {"/archive/2026/06/", "/archive/2025/03/"}
    assert client.get(f"/a/{article.pk}/")["Location"] == article.url

    article.refresh_from_db()
    article.unpublish()

    for url in pages:
        assert "Fresh story" not in listed(client, url), url
    assert archive_months() == {"/archive/2026/06/"}
    assert headline(client, f"/news/{article.slug}/") is None
    assert client.get(f"/a/{article.pk}/").status_code == 404


def test_deleting_an_article_removes_its_month_from_the_archive(client):
    ArticleFactory(title="Stays", date=at(2026, 6, 1))
    doomed = ArticleFactory(title="Goes", date=at(2024, 2, 2))
    assert "February" in listed(client, "/archive/")

    doomed.delete()

    assert "February" not in listed(client, "/archive/")
    assert client.get("/archive/2024/02/").status_code == 200
    assert Revision.objects.filter(object_id=str(doomed.pk)).count() == 0


@override_settings(CLARION_PAGE_SIZE=1)
def test_pages_of_each_list_follow_publishing(client):
    category = CategoryFactory(name="Environment")
    topic = TopicFactory(name="Heatwave")
    author = AuthorFactory(name="Maria Ivanova")
    credit(
        ArticleFactory(title="Older", category=category, topics=[topic], date=at(2026, 6, 1)),
        author,
    )
    fresh = ArticleFactory(
        title="Fresh", category=category, topics=[topic], date=at(2026, 6, 2), live=False
    )
    credit(fresh, author)
    lists = [
        "/news/",
        "/category/environment/",
        "/topics/heatwave/",
        "/authors/maria-ivanova/",
        "/archive/2026/06/",
    ]

    def pages(url):
        """(the headlines on each page of the list, following its "Older" links)"""
        seen = []
        while url:
            response = client.get(url)
            assert response.status_code == 200, url
            page = soup(response)
            seen.append([text(title) for title in page.select(".card__title")])
            older = page.select_one("nav.pagination a[rel=next]")
            url = older["href"] if older else None
        return seen

    for url in lists:  # also fills any caches, such as the lists' counts
        assert pages(url) == [["Older"]], url
        assert client.get(f"{url}?page=2").status_code == 404, url

    fresh.save_revision().publish()
    for url in lists:
        assert pages(url) == [["Fresh"], ["Older"]], url

    fresh.refresh_from_db()
    fresh.unpublish()
    for url in lists:
        assert pages(url) == [["Older"]], url
        assert client.get(f"{url}?page=2").status_code == 404, url
