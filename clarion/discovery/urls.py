"""Routes for search, feeds and sitemaps (each module adds its own lines below)."""

from django.urls import path, re_path

from . import feeds, sitemaps
from .search import search

urlpatterns = [
    path("search/", search, name="search"),
]


# Atom, RSS and JSON feeds: /feeds/atom/, /feeds/category/<slug>/rss/, /feeds/edition/1203/json/…
def feed_route(prefix, view, name):
    return re_path(rf"^feeds/{prefix}(?P<format>{feeds.FORMAT_PATTERN})/$", view, name=name)


SLUG = r"(?P<slug>[-a-zA-Z0-9_]{1,200})/"
urlpatterns += [
    feed_route("", feeds.site_feed, "site_feed"),
    feed_route(f"category/{SLUG}", feeds.category_feed, "category_feed"),
    feed_route(f"topic/{SLUG}", feeds.topic_feed, "topic_feed"),
    feed_route(f"author/{SLUG}", feeds.author_feed, "author_feed"),
    feed_route(r"edition/(?P<number>[0-9]{1,9})/", feeds.edition_feed, "edition_feed"),
]

# Sitemaps and robots.txt: /sitemap.xml, /sitemaps/pages.xml, /sitemaps/articles-3.xml…
urlpatterns += [
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap_index"),
    path("sitemaps/pages.xml", sitemaps.pages_sitemap, name="sitemap_pages"),
    path("sitemaps/news.xml", sitemaps.news_sitemap, name="sitemap_news"),
    re_path(
        rf"^sitemaps/(?P<section>{sitemaps.SECTION_PATTERN})-(?P<number>[1-9][0-9]{{0,8}})\.xml$",
        sitemaps.sitemap_block,
        name="sitemap_block",
    ),
]
