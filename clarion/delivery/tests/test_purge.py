"""A publish tells the cache in front (nginx, a CDN) every address that shows the article."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from clarion.newsroom.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    EditionFactory,
    TopicFactory,
    credit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proxy():
    """A real HTTP server standing in for nginx: records PURGE requests, answers 404 for
    addresses it never cached (as nginx's purge module does) and 200 for the rest."""
    purged = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 - the method's name
            purged.append((self.headers["Host"], self.path))
            self.send_response(200 if self.path == "/" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    backend = {
        "proxy": {
            "BACKEND": "clarion.delivery.purge.QuietHTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    with override_settings(WAGTAILFRONTENDCACHE=backend, CLARION_FRESHNESS_SECONDS=0):
        yield purged
    server.shutdown()


def test_publishing_purges_every_address_that_shows_the_article(
    proxy, django_capture_on_commit_callbacks
):
    edition = EditionFactory(number=1402)
    article = ArticleFactory(
        title="Ferry crews strike",
        live=False,
        category=CategoryFactory(name="Workplace"),
        topics=[TopicFactory(name="Ferries"), TopicFactory(name="Scotland")],
        edition=edition,
        date=timezone.datetime(2026, 11, 20, 9, tzinfo=timezone.UTC),
    )
    credit(article, AuthorFactory(name="Ada Byrne"))
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()

    paths = {path for _host, path in proxy}
    assert {host for host, _path in proxy} == {"localhost"}
    expected = {
        f"/news/{article.slug}/",
        f"/news/{article.slug}/print/",
        f"/a/{article.pk}/",
        "/",
        "/news/",
        "/editions/",
        edition.url,
        "/category/workplace/",
        "/topics/ferries/",
        "/topics/scotland/",
        "/authors/ada-byrne/",
        "/archive/2026/11/",
        "/feeds/atom/",
        "/feeds/rss/",
        "/feeds/json/",
        "/feeds/category/workplace/atom/",
        "/feeds/topic/ferries/rss/",
        "/feeds/author/ada-byrne/json/",
        "/feeds/edition/1402/atom/",
        "/sitemap.xml",
        "/sitemaps/news.xml",
    }
    assert expected <= paths, expected - paths


def test_unpublishing_and_moving_purge_too(proxy, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Ferry crews strike", category=CategoryFactory(name="Workplace"))
    old_address = f"/news/{article.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert {old_address, "/", "/category/workplace/"} <= {path for _host, path in proxy}


def test_making_an_article_private_purges_it_and_its_lists(
    proxy, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Briefing", category=CategoryFactory(name="Workplace"))
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=article, restriction_type="login")
    paths = {path for _host, path in proxy}
    assert {f"/news/{article.slug}/", "/", "/news/", "/category/workplace/"} <= paths


def test_nothing_is_sent_without_a_proxy(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ArticleFactory(title="Quiet news", live=False).save_revision().publish()
    assert not [c for c in callbacks if "purge" in getattr(c, "__qualname__", "")]
