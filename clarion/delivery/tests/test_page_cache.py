"""Anonymous pages are stored whole, served with HTTP caching headers, answered with 304s,
kept apart per host, address, language and display mode, and never shared with editors."""

import gzip
import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clarion.delivery.wsgi import PageCacheApplication
from clarion.newsroom.tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return ArticleFactory(title="Dockers walk out", category=CategoryFactory(name="Workplace"))


def test_anonymous_pages_carry_caching_headers(client, story):
    for url in ("/", story.url, "/news/", "/category/workplace/", "/feeds/atom/", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"public", "max-age=60", "stale-while-revalidate=300"} <= directives, url
        assert response["ETag"] and response["Last-Modified"], url


def test_conditional_requests_get_304_without_a_body(client, story):
    first = client.get(story.url)
    by_tag = client.get(story.url, headers={"if-none-match": first["ETag"]})
    assert by_tag.status_code == 304 and by_tag.content == b""
    assert by_tag["ETag"] == first["ETag"]
    by_date = client.get(story.url, headers={"if-modified-since": first["Last-Modified"]})
    assert by_date.status_code == 304
    other = client.get(story.url, headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200 and b"Dockers walk out" in other.content


def test_a_stored_page_is_served_without_the_database(client, story, django_assert_num_queries):
    first = client.get(story.url)
    with django_assert_num_queries(0):
        again = client.get(story.url)
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_logged_in_editor_neither_gets_nor_fills_the_cache(
    client, story, admin_user, django_assert_max_num_queries
):
    anonymous = client.get(story.url)
    client.force_login(admin_user)
    editor_view = client.get(story.url)
    assert editor_view.status_code == 200
    assert "private" in editor_view["Cache-Control"]
    assert "public" not in editor_view["Cache-Control"]
    assert editor_view.content == anonymous.content  # rendered afresh: same page, no userbar
    client.logout()

    # An editor's visit to a page nobody else has asked for stores nothing either.
    client.force_login(admin_user)
    client.get("/news/")
    client.logout()
    with django_assert_max_num_queries(50) as captured:
        client.get("/news/")
    assert len(captured) > 0


@override_settings(ROOT_URLCONF="clarion.delivery.tests.urls")
def test_responses_that_set_cookies_or_carry_tokens_are_never_stored(client):
    for url in ("/test/cookie/", "/test/csrf/"):
        first = client.get(url)
        assert first.cookies, url
        assert "public" not in first.get("Cache-Control", ""), url
        client.cookies.clear()
        again = client.get(url)
        assert again.cookies, f"{url} was answered from the cache, without its cookie"
        client.cookies.clear()


def test_pages_are_kept_apart_by_host_address_language_and_mode(
    client, story, django_assert_max_num_queries
):
    client.get("/news/")
    variants = [
        {"path": "/news/?page=1"},
        {"path": "/news/", "headers": {"host": "other.example"}},
        {"path": "/news/", "headers": {"cookie": "django_language=ru"}},
        {"path": "/news/", "headers": {"cookie": "clarion_display=text"}},
    ]
    for variant in variants:
        with django_assert_max_num_queries(50) as captured:
            response = client.get(variant["path"], headers=variant.get("headers", {}))
        assert response.status_code == 200
        assert len(captured) > 0, f"{variant} was served another reader's page"


def test_publishing_refreshes_every_page_that_shows_the_article(client, story):
    topic_story = ArticleFactory(title="Older news", topics=[], category=story.category)
    pages = [
        "/",
        "/news/",
        "/category/workplace/",
        "/feeds/atom/",
        "/feeds/rss/",
        "/sitemaps/news.xml",
    ]
    for url in pages:
        assert b"Ferry crews strike" not in client.get(url).content  # now cached

    draft = ArticleFactory(
        title="Ferry crews strike", live=False, category=story.category, date=timezone.now()
    )
    draft.save_revision().publish()
    for url in pages:
        assert b"Ferry crews strike" in client.get(url).content, url
    assert client.get(draft.url).status_code == 200

    draft.refresh_from_db()
    draft.unpublish()
    for url in pages:
        assert b"Ferry crews strike" not in client.get(url).content, url
    assert client.get(f"/news/{draft.slug}/").status_code == 404
    assert b"Older news" in client.get("/news/").content and topic_story.live


def wsgi_get(application, path, **headers):
    """One request through the WSGI application, as a server would make it. Like Django's
    test client, it keeps the test's database connection (and its transaction) open."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_the_wsgi_front_answers_hits_gzipped_and_conditionally(story, django_assert_num_queries):
    application = PageCacheApplication(WSGIHandler())
    status, headers, body = wsgi_get(application, story.url)
    assert status == "200 OK" and b"Dockers walk out" in body

    with django_assert_num_queries(0):
        status, again, same = wsgi_get(application, story.url)
        assert status == "200 OK" and same == body
        status, zipped, packed = wsgi_get(application, story.url, accept_encoding="gzip, br")
        assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
        assert gzip.decompress(packed) == body and len(packed) < len(body) / 2
        status, _headers, empty = wsgi_get(application, story.url, if_none_match=again["ETag"])
        assert status.startswith("304") and empty == b""

    # A reader with a session goes to Django, which renders the page afresh.
    with CaptureQueriesContext(connection) as captured:
        status, _headers, fresh = wsgi_get(application, story.url, cookie="sessionid=abc")
    assert status == "200 OK" and fresh == body and len(captured) > 0


def test_after_a_publish_the_wsgi_front_serves_the_new_page(story):
    application = PageCacheApplication(WSGIHandler())
    assert b"Harbour pickets grow" not in wsgi_get(application, "/")[2]
    ArticleFactory(title="Harbour pickets grow", live=False).save_revision().publish()
    assert b"Harbour pickets grow" in wsgi_get(application, "/")[2]


def test_tracking_parameters_share_the_page_of_the_plain_address(
    client, story, django_assert_num_queries
):
    first = client.get(story.url)
    with django_assert_num_queries(0):
        shared = client.get(f"{story.url}?utm_source=feed&fbclid=IwAR0abc")
    assert shared.content == first.content
