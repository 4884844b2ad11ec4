"""Sitemaps and robots.txt: how search engines find every readable page of the paper.

    /sitemap.xml                  the index: the children below
    /sitemaps/pages.xml           home, /news/, /editions/, each edition, plain pages, categories
    /sitemaps/news.xml            Google News: articles published in the last two days
    /sitemaps/articles-<n>.xml    readable articles, one block of ids each
    /sitemaps/topics-<n>.xml      topics with readable articles, one block of ids each
    /sitemaps/authors-<n>.xml     authors with readable articles, one block of ids each
    /robots.txt

Numbered children are keyset pages, not OFFSET pages: child n lists the ids
(n - 1) × CLARION_SITEMAP_SIZE + 1 … n × CLARION_SITEMAP_SIZE, so it holds at most that many
URLs and is read by a primary-key range however deep it is. The index needs only the first
and last id of each kind — one query of index seeks at any size. A child whose block has no
readable article (ids taken by other pages, or unpublished) is an empty list, not an error;
numbers outside the first…last range are 404.

Only readable articles (live, not behind a login) appear, with absolute URLs on the site's
own address (as the canonical links give it) and a <lastmod> each.

Measured at 100,000 articles (SQLite and PostgreSQL alike): a full 5,000-URL child in about
50 ms with a cold cache, in two queries of its own (first and last ids, then the block's
URL paths and dates — never a body); the index in about 10 ms."""

import datetime
import re
from collections import namedtuple
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Max, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.models import Page, get_page_models

from clarion.core.content_version import cached
from clarion.core.db import TrueLiteral
from clarion.core.models import PaperSettings
from clarion.editions.models import EditionIndexPage, EditionPage
from clarion.home.models import HomePage
from clarion.newsroom.models import Article, ArticleIndexPage, ArticleTopic, Author, Category, Topic
from clarion.newsroom.querysets import not_restricted_q

from .addresses import SiteAddress
from .structured_data import news_language, w3c_datetime

XML = "application/xml; charset=utf-8"
NEWS_DAYS = 2  # Google News reads articles published in the last two days…
NEWS_LIMIT = 1000  # …and at most 1,000 URLs per news sitemap.

# Characters XML 1.0 cannot hold at all, even escaped (control characters pasted into a title).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def utc(moment):
    """A <lastmod> in UTC, with no time zone lookup per row (5,000 of them in a child)."""
    return w3c_datetime(moment, datetime.UTC)


def xml_text(value):
    return NOT_XML.sub("", value or "")


@dataclass(frozen=True, slots=True)
class Entry:
    """One <url> (or one <sitemap> of the index)."""

    loc: str
    lastmod: str = ""


def block_size():
    return settings.CLARION_SITEMAP_SIZE


def block_of(pk):
    return (pk - 1) // block_size() + 1


def block_bounds(number):
    """The first and last id of child `number`."""
    size = block_size()
    return (number - 1) * size + 1, number * size


def first_and_last_ids(querysets):
    """[(first pk, last pk), …] of each queryset ((None, None) when empty), in one query:
    SELECT (… ORDER BY pk LIMIT 1), (… ORDER BY pk DESC LIMIT 1), … — index seeks."""
    if not querysets:
        return []
    database = querysets[0].db
    columns, params = [], []
    for queryset in querysets:
        for ordered in (queryset.order_by("pk"), queryset.order_by("-pk")):
            try:
                sql, query_params = (
                    ordered.values("pk")[:1].query.get_compiler(using=database).as_sql()
                )
            except EmptyResultSet:
                sql, query_params = "SELECT NULL", ()
            columns.append(f"({sql})")
            params.extend(query_params)
    with connections[database].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return list(zip(row[::2], row[1::2], strict=True))


# The numbered children -----------------------------------------------------------------------


class Section:
    """One kind of numbered child: `ids()` decides which children there are, `entries()`
    lists one block."""

    name = ""

    def ids(self, address):
        raise NotImplementedError

    def entries(self, address, first_id, last_id):
        raise NotImplementedError


# wagtailcore_page.id by name: Django writes `id` of an article as article.page_ptr_id.
PAGE_ID = RawSQL('"wagtailcore_page"."id"', (), output_field=BigIntegerField())


class Articles(Section):
    name = "articles"

    def ids(self, address):
        return Article.objects.readable().filter(url_path__startswith=address.root_path)

    def entries(self, address, first_id, last_id):
        rows = (
            self.ids(address)
            .filter(pk__gte=first_id, pk__lte=last_id)
            # The same range on the page table's side of the join too: PostgreSQL does not
            # carry a range across a join, and would read all 100,000 pages (50 ms, not 5).
            .alias(page_id=PAGE_ID)
            .filter(page_id__gte=first_id, page_id__lte=last_id)
            .order_by("pk")
            .values_list("url_path", Coalesce("last_published_at", "date"))  # never the body
        )
        return [Entry(address.page(url_path), utc(lastmod)) for url_path, lastmod in rows]


# The models' own get_absolute_url, without making a model instance for each of 5,000 rows.
Slug = namedtuple("Slug", "slug")
topic_url, author_url = Topic.get_absolute_url, Author.get_absolute_url


class Topics(Section):
    """Topic pages with at least one readable article; <lastmod> is the newest one's date,
    read from the topic links' own (topic, date) index."""

    name = "topics"

    def ids(self, address):
        return Topic.objects.all()

    def entries(self, address, first_id, last_id):
        newest = (
            ArticleTopic.objects.filter(topic=OuterRef("pk"), article__live=TrueLiteral())
            .filter(not_restricted_q("article__path"))
            .order_by("-date")
            .values("date")[:1]
        )
        rows = (
            Topic.objects.filter(pk__gte=first_id, pk__lte=last_id)
            .annotate(newest=Subquery(newest))
            .order_by("pk")
            .values_list("slug", "newest")
        )
        return [
            Entry(address.absolute(topic_url(Slug(slug))), utc(newest))
            for slug, newest in rows
            if newest is not None
        ]


class Authors(Section):
    """Author pages with at least one readable article; <lastmod> is the newest one's date.
    Author links carry no date, so this groups every credit in the block — 0.2 s
    (PostgreSQL) to 0.6 s (SQLite) at 100,000 articles — and is cached per content version."""

    name = "authors"

    def ids(self, address):
        return Author.objects.all()

    def entries(self, address, first_id, last_id):
        def newest_by_author():
            return list(
                Article.objects.readable()
                .filter(
                    article_authors__author_id__gte=first_id,
                    article_authors__author_id__lte=last_id,
                )
                .values_list("article_authors__author_id", "article_authors__author__slug")
                .annotate(newest=Max("date"))
                .order_by("article_authors__author_id")
            )

        rows = cached(f"sitemap-authors:{block_size()}:{first_id}", newest_by_author)
        return [
            Entry(address.absolute(author_url(Slug(slug))), utc(newest))
            for _pk, slug, newest in rows
            if newest is not None
        ]


SECTIONS = {section.name: section for section in (Articles(), Topics(), Authors())}
SECTION_PATTERN = "|".join(SECTIONS)


# Views ---------------------------------------------------------------------------------------


def site_address(request):
    address = SiteAddress.for_request(request)
    if address is None or address.root_path is None:
        raise Http404("No site is configured for this address.")
    return address


# The XML is written out here rather than by a template: Django's template loop costs about
# 50 µs a URL (a quarter of a second for a full child), these f-strings about 1 µs.
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAPS_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def xml_response(root_open, lines, root_close):
    return HttpResponse(
        "".join((XML_DECLARATION, root_open, "\n", *lines, root_close, "\n")), content_type=XML
    )


def entry_lines(entries, element):
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod}</lastmod>" if entry.lastmod else ""
        yield f"<{element}><loc>{escape(entry.loc)}</loc>{lastmod}</{element}>\n"


def urlset(entries):
    return xml_response(f'<urlset xmlns="{SITEMAPS_NS}">', entry_lines(entries, "url"), "</urlset>")


@require_safe
def sitemap_index(request):
    address = site_address(request)
    entries = [
        Entry(address.absolute(reverse("sitemap_pages"))),
        Entry(address.absolute(reverse("sitemap_news"))),
    ]
    sections = list(SECTIONS.values())
    ranges = first_and_last_ids([section.ids(address) for section in sections])
    for section, (first, last) in zip(sections, ranges, strict=True):
        if first is None:
            continue
        for number in range(block_of(first), block_of(last) + 1):
            path = reverse("sitemap_block", kwargs={"section": section.name, "number": number})
            entries.append(Entry(address.absolute(path)))
    return xml_response(
        f'<sitemapindex xmlns="{SITEMAPS_NS}">',
        entry_lines(entries, "sitemap"),
        "</sitemapindex>",
    )


@require_safe
def sitemap_block(request, section, number):
    address = site_address(request)
    section, number = SECTIONS[section], int(number)
    [(first, last)] = first_and_last_ids([section.ids(address)])
    if first is None or not block_of(first) <= number <= block_of(last):
        raise Http404("There is no sitemap with that number.")
    return urlset(section.entries(address, *block_bounds(number)))


@require_safe
def pages_sitemap(request):
    """The site's own pages (home, /news/, /editions/, each edition, plain pages) and the
    categories. Lists that change with every article take the newest article's time."""
    address = site_address(request)
    # [:3], not .first(): SQLite plans LIMIT 1 or 2 here as a scan of every page and a sort
    # (0.1-0.2 s at 100,000 articles), LIMIT 3 and up as a walk down the newest-first index.
    newest = Article.objects.readable().newest().values_list("last_published_at", "date")[:3]
    newest_article = next((published or date for published, date in newest), None)
    # Every page type but the article, named (not `.not_type(Article)`) so that the
    # content type index finds them without reading past 100,000 articles.
    content_types = ContentType.objects.get_for_models(*get_page_models())  # cached by Django
    kinds = {model: content_type.pk for model, content_type in content_types.items()}
    rows = list(
        Page.objects.live()
        .filter(content_type_id__in=[pk for model, pk in kinds.items() if model is not Article])
        .filter(not_restricted_q("path"))
        .filter(url_path__startswith=address.root_path)
        .order_by("path")
        .values_list("url_path", "last_published_at", "content_type_id")
    )
    newest_edition = max(
        (published for _p, published, kind in rows if kind == kinds[EditionPage] and published),
        default=None,
    )
    follows = {
        kinds[HomePage]: newest_article,
        kinds[ArticleIndexPage]: newest_article,
        kinds[EditionIndexPage]: newest_edition,
    }
    entries = []
    for url_path, published, kind in rows:
        lastmod = max(filter(None, (published, follows.get(kind))), default=None)
        entries.append(Entry(address.page(url_path), utc(lastmod)))

    newest_in_category = (
        Article.objects.readable()
        .filter(category=OuterRef("pk"))
        .order_by("-date")
        .values("date")[:1]
    )
    for category in Category.objects.annotate(newest=Subquery(newest_in_category)).only("slug"):
        if category.newest is not None:
            entries.append(
                Entry(address.absolute(category.get_absolute_url()), utc(category.newest))
            )
    return urlset(entries)


@require_safe
def news_sitemap(request):
    """Google News: readable articles published in the last two days, newest first."""
    address = site_address(request)
    paper = PaperSettings.for_request(request)
    now = timezone.now()
    rows = (
        Article.objects.readable()
        .filter(url_path__startswith=address.root_path)
        .filter(date__gte=now - datetime.timedelta(days=NEWS_DAYS), date__lte=now)
        .newest()
        .values_list("url_path", "title", "date", "last_published_at", "language")[:NEWS_LIMIT]
    )
    name = escape(xml_text(paper.paper_name))
    lines = (
        f"<url><loc>{escape(address.page(url_path))}</loc>"
        f"<lastmod>{utc(published or date)}</lastmod>"
        "<news:news><news:publication>"
        f"<news:name>{name}</news:name>"
        f"<news:language>{escape(news_language(language))}</news:language>"
        "</news:publication>"
        f"<news:publication_date>{w3c_datetime(date)}</news:publication_date>"
        f"<news:title>{escape(xml_text(title))}</news:title>"
        "</news:news></url>\n"
        for url_path, title, date, published, language in rows
    )
    return xml_response(
        f'<urlset xmlns="{SITEMAPS_NS}" xmlns:news="{NEWS_NS}">', lines, "</urlset>"
    )


@require_safe
def robots_txt(request):
    address = SiteAddress.for_request(request)
    path = reverse("sitemap_index")
    sitemap = address.absolute(path) if address else request.build_absolute_uri(path)
    return TemplateResponse(
        request,
        "discovery/robots.txt",
        {"sitemap_url": sitemap},
        content_type="text/plain; charset=utf-8",
    )
