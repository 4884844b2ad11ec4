"""Restricted articles stay out of public lists; every process sees publishing changes;
drafts do not disturb what is live; odd input stays a 404."""

import datetime
import time

import pytest
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from clarion.core.models import ContentVersion
from clarion.newsroom.models import ArticleTopic, Topic, index_letter
from clarion.newsroom.tests.factories import ArticleFactory, CategoryFactory, TopicFactory

pytestmark = pytest.mark.django_db


def main_text(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_an_article_behind_a_login_is_not_listed_anywhere_public(client):
    category = CategoryFactory(name="Workplace")
    topic = TopicFactory(name="Dockers")
    public = ArticleFactory(title="Open report", category=category, topics=[topic])
    secret = ArticleFactory(title="Members-only briefing", category=category, topics=[topic])
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    month = f"/archive/{secret.date:%Y/%m}/"

    for url in ["/", "/news/", category.get_absolute_url(), topic.get_absolute_url(), month]:
        html = client.get(url).content.decode()
        assert "Members-only briefing" not in html, url
        assert "Open report" in html, url
    related = client.get(public.url).content.decode()
    assert "Members-only briefing" not in related
    assert client.get(f"/a/{secret.pk}/").status_code == 404
    # the article itself asks for a login rather than showing its text
    response = client.get(secret.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_lifting_a_restriction_lists_the_article_again(client):
    secret = ArticleFactory(title="Briefing now public")
    restriction = PageViewRestriction.objects.create(page=secret, restriction_type="login")
    assert "Briefing now public" not in main_text(client.get("/news/"))
    restriction.delete()
    assert "Briefing now public" in main_text(client.get("/news/"))


def test_a_change_made_by_another_process_shows_within_the_freshness_interval(client):
    """Another process (a second web worker, `publish_scheduled` from cron) changes the
    database and bumps the content version there; this process's caches (whole pages, list
    totals, months) must not hide it for longer than CLARION_FRESHNESS_SECONDS."""
    articles = [ArticleFactory(title=f"Story {n}") for n in range(3)]
    with override_settings(CLARION_PAGE_SIZE=2, CLARION_FRESHNESS_SECONDS=0.2):
        assert "Page 1 of 2" in client.get("/news/").content.decode()
        # what the other process does: unpublish without this process's signals firing …
        Page.objects.filter(pk=articles[0].pk).update(live=False)
        ContentVersion.objects.update(number=F("number") + 1)
        # … and once the interval has passed, this process's cached pages follow
        time.sleep(0.25)
        html = client.get("/news/").content.decode()
        assert "Page 1 of 2" not in html
        assert "Story 0" not in main_text(client.get("/news/"))


def test_saving_a_draft_does_not_reorder_the_live_topic_list(client, admin_user):
    topic = TopicFactory(name="Teachers")
    older = ArticleFactory(title="Older teachers story", topics=[topic])
    newer = ArticleFactory(title="Newer teachers story", topics=[topic])

    draft = older.get_latest_revision_as_object()
    draft.date = timezone.now() + datetime.timedelta(days=400)
    draft.save_revision(user=admin_user)  # a draft only: nothing live changes

    listing = main_text(client.get(topic.get_absolute_url()))
    assert listing.index(newer.title) < listing.index(older.title)
    link = ArticleTopic.objects.get(article=older, topic=topic)
    assert link.date == Page.objects.get(pk=older.pk).specific.date


@pytest.mark.parametrize("url", ["/archive/0001/01/", "/archive/9999/12/", "/archive/1799/05/"])
@override_settings(TIME_ZONE="Asia/Almaty")
def test_far_away_months_are_a_404_even_east_of_utc(client, url):
    ArticleFactory()
    assert client.get(url).status_code == 404


def test_every_topic_files_under_one_letter():
    assert index_letter("ßtraße") == "S"
    assert index_letter("Жанаозен") == "Ж"
    assert index_letter("1917 revolution") == "#"
    topic = Topic.objects.create(name="ßelbst")  # would overflow the one-letter column
    assert topic.initial == "S"


@override_settings(LANGUAGE_CODE="ru")
def test_pages_declare_the_sites_language(client):
    ArticleFactory()
    assert '<html lang="ru">' in client.get("/").content.decode()
