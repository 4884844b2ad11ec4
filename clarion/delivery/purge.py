"""Telling a cache in front of Clarion (nginx, a CDN) which addresses a publish changed.

The in-app page cache needs none of this: its keys hold the content version. A cache in
front keys by address, so every page that shows an article is purged when the article is
published, unpublished, moved or deleted: the article and its printable version, its short
link, home, the news list, its edition and the editions list, its category, topics and
authors, its archive month, the feeds that carry it, and the sitemaps that list it. What is
not purged (page 2 and beyond of a list, related links on other articles, pages beneath a
page that was made private, names of categories and authors changed in the admin) refreshes
when the proxy's copy expires, within CLARION_HTTP_MAX_AGE seconds."""

import logging
import time
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.backends.http import PurgeRequest
from wagtail.contrib.frontend_cache.utils import PurgeBatch, purge_urls_from_cache
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from clarion.core.content_version import content_changed_at
from clarion.discovery.addresses import SiteAddress
from clarion.discovery.feeds import FEED_TYPES
from clarion.discovery.sitemaps import block_of
from clarion.newsroom.models import Article

logger = logging.getLogger(__name__)


def feed_paths(name, **kwargs):
    return [reverse(name, kwargs={**kwargs, "format": kind}) for kind in FEED_TYPES]


def article_paths(article):
    """Site-relative paths of every page, feed and sitemap that shows `article`."""
    paths = ["/", "/news/", "/archive/", "/editions/", "/topics/", f"/a/{article.pk}/"]
    paths += feed_paths("site_feed")
    paths += [reverse("sitemap_index"), reverse("sitemap_news")]
    paths.append(
        reverse("sitemap_block", kwargs={"section": "articles", "number": block_of(article.pk)})
    )
    if article.date:
        paths.append(f"/archive/{article.date:%Y}/{article.date:%m}/")
    if article.category_id:
        paths.append(article.category.get_absolute_url())
        paths += feed_paths("category_feed", slug=article.category.slug)
    for link in article.article_topics.select_related("topic"):
        paths.append(link.topic.get_absolute_url())
        paths += feed_paths("topic_feed", slug=link.topic.slug)
    for credit in article.article_authors.select_related("author"):
        paths.append(credit.author.get_absolute_url())
        paths += feed_paths("author_feed", slug=credit.author.slug)
    if article.edition_id:
        paths += feed_paths("edition_feed", number=article.edition.number)
    return paths


def article_urls(article, url_path=None):
    """Absolute addresses for `article` on its site (at `url_path`, for where it was)."""
    site = article.get_site()
    if site is None:
        return []
    address = SiteAddress(site)
    own = address.page(url_path or article.url_path)
    urls = {address.absolute(path) for path in article_paths(article)}
    if own:
        urls.update(own + path.lstrip("/") for path in article.get_cached_paths())
    if article.edition_id:
        urls.add(address.page(article.edition.url_path))
    return sorted(url for url in urls if url)


def purge_after_commit(urls):
    if urls and settings.WAGTAILFRONTENDCACHE:
        transaction.on_commit(lambda: purge_urls_from_cache(urls))


@receiver(page_published, sender=Article)
@receiver(page_unpublished, sender=Article)
def article_shown_or_hidden(sender, instance, **kwargs):
    purge_after_commit(article_urls(instance))


@receiver(post_page_move)
def page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if isinstance(instance.specific_deferred, Article) and url_path_before != url_path_after:
        article = instance.specific
        purge_after_commit(article_urls(article, url_path_before) + article_urls(article))


@receiver(page_slug_changed, sender=Article)
def article_renamed(sender, instance, instance_before, **kwargs):
    """A new slug on publishing: the old address now redirects, and a proxy must not keep
    the article there."""
    purge_after_commit(article_urls(instance, instance_before.url_path))


@receiver(pre_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    if instance.live:
        purge_after_commit(article_urls(instance))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    """A page made private (or public again) leaves (or joins) the lists at once; pages
    beneath it follow when the proxy's copies expire (CLARION_HTTP_MAX_AGE)."""
    page = instance.page.specific
    if isinstance(page, Article):
        purge_after_commit(article_urls(page))
    else:
        batch = PurgeBatch()
        batch.add_page(page)
        purge_after_commit(sorted(batch.urls))


class QuietHTTPBackend(HTTPBackend):
    """Wagtail's PURGE-request backend, for nginx's cache-purge module: an address that was
    not cached (404 from the module) is not an error, and the purge waits until every app
    process has seen the new content version, so the proxy's next fetch is fresh."""

    def purge_batch(self, urls):
        every_process_fresh_at = content_changed_at() + settings.CLARION_FRESHNESS_SECONDS
        time.sleep(max(0.0, every_process_fresh_at + 0.02 - time.time()))
        for url in urls:
            self.purge(url)

    def purge(self, url):
        request = self.purge_request(url)
        try:
            urlopen(request, timeout=5)  # noqa: S310 - the address comes from settings
        except HTTPError as error:
            if error.code != 404:
                logger.error("Couldn't purge %s from the proxy cache: HTTP %s", url, error.code)
        except (URLError, HTTPException, OSError) as error:  # refused, reset, timed out…
            # One address failing must not keep the rest of the batch from being purged.
            logger.error("Couldn't purge %s from the proxy cache: %s", url, error)

    def purge_request(self, url):
        """The same request Wagtail's backend sends: PURGE to the proxy, with the page's host."""
        parts = urlsplit(url)
        proxied = urlunsplit((self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""))
        return PurgeRequest(
            url=proxied,
            headers={
                "Host": parts.netloc,
                "User-Agent": f"Wagtail-frontendcache/{wagtail_version}",
            },
        )
