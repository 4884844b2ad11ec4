"""Atom, RSS 2.0 and JSON Feed (https://jsonfeed.org/version/1.1) of the newest articles:
for the whole paper, and for each category, topic, author and edition.

Each request reads the feed's articles once, with their authors and topics, in a fixed number
of queries however many items it carries. What a reader would be sent is fingerprinted
before anything is rendered, so a feed reader polling with If-None-Match or
If-Modified-Since gets a 304 without the feed being written (or article bodies rendered)."""

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from clarion.core.models import PaperSettings
from clarion.editions.models import EditionPage
from clarion.newsroom.models import Article, ArticleAuthor, ArticleTopic, Author, Category, Topic
from clarion.newsroom.querysets import not_restricted_q

# Bump when what a feed says about an article changes, so readers' cached copies go stale.
FEED_FORMAT_VERSION = "1"


# Feed formats -------------------------------------------------------------------------------


class AtomFeed(Atom1Feed):
    """Atom with every credited author, each entry's language, and <content> for full text."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, link in item.get("more_authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if link:
                handler.addQuickElement("uri", link)
            handler.endElement("author")
        if item.get("content") is not None:
            handler.addQuickElement("content", item["content"], {"type": "html"})


class RssFeed(Rss201rev2Feed):
    """RSS 2.0 with a dc:creator for every credited author and content:encoded for full text."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _link in item.get("more_authors", ()):
            handler.addQuickElement(
                "dc:creator", name, {"xmlns:dc": "http://purl.org/dc/elements/1.1/"}
            )
        if item.get("content") is not None:
            handler.addQuickElement("content:encoded", item["content"])


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        data = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
        }
        if feed["description"]:
            data["description"] = feed["description"]
        if feed["language"]:
            data["language"] = feed["language"]
        if feed["author_name"]:
            data["authors"] = [{"name": feed["author_name"]}]
        data["items"] = [self.item_data(item) for item in self.items]
        outfile.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def item_data(self, item):
        data = {"id": item["unique_id"], "url": item["link"], "title": item["title"]}
        if item.get("content") is not None:
            data["content_html"] = item["content"]
        else:
            data["content_text"] = item.get("summary_text") or ""
        if item.get("summary_text"):
            data["summary"] = item["summary_text"]
        if item["pubdate"]:
            data["date_published"] = rfc3339_date(item["pubdate"])
        if item["updateddate"]:
            data["date_modified"] = rfc3339_date(item["updateddate"])
        authors = []
        if item["author_name"]:
            authors.append((item["author_name"], item["author_link"]))
        authors.extend(item.get("more_authors", ()))
        if authors:
            data["authors"] = [
                {"name": name, **({"url": link} if link else {})} for name, link in authors
            ]
        if item["categories"]:
            data["tags"] = list(item["categories"])
        if item.get("language"):
            data["language"] = item["language"]
        return data


FEED_TYPES = {"atom": AtomFeed, "rss": RssFeed, "json": JsonFeed}
FORMAT_PATTERN = "|".join(FEED_TYPES)


# What a feed carries ------------------------------------------------------------------------


@dataclass
class Entry:
    """One article as every format presents it (everything but its rendered body)."""

    article: Article
    title: str
    link: str
    id: str
    published: datetime
    updated: datetime
    authors: list  # [(name, absolute link or None), …] in byline order
    categories: list  # the category's name, then the topics' names
    summary: str  # the standfirst, plain text
    language: str

    def fingerprint(self):
        return [
            self.id,
            self.link,
            self.title,
            self.published.isoformat(),
            self.updated.isoformat(),
            self.authors,
            self.categories,
            self.summary,
            self.language,
        ]


@dataclass
class Listing:
    title: str
    link: str
    description: str
    articles: object  # a queryset of Article, newest first
    entries: list = field(default_factory=list)


ROOT_RELATIVE_URL = re.compile(r"""(\s(?:src|href|poster)\s*=\s*["'])/(?!/)""")


def absolute_urls(markup, root):
    """src="/media/…" → src="https://paper.example/media/…" (feed readers have no base URL)."""
    return ROOT_RELATIVE_URL.sub(lambda match: f"{match.group(1)}{root}/", markup)


class ArticleFeed(Feed):
    """The newest readable articles of one listing, in one format. Made for each request
    (it keeps the request), by `feed_view`."""

    def __init__(self, request, format):
        self.request = request
        self.format = format
        self.feed_type = FEED_TYPES[format]
        self.paper = PaperSettings.for_request(request)
        self.full_text = self.paper.feeds_full_text
        self.listing = None

    # What each kind of feed lists: overridden below.

    def get_listing(self, **kwargs):
        raise NotImplementedError

    def named(self, name):
        return f"{self.paper.paper_name}: {name}"

    # Before rendering: the articles, the entries and their fingerprint.

    def prepare(self, **kwargs):
        listing = self.get_listing(**kwargs)
        articles = listing.articles.for_listing().prefetch_related(
            Prefetch("article_authors", ArticleAuthor.objects.select_related("author")),
            Prefetch("article_topics", ArticleTopic.objects.select_related("topic")),
        )
        if self.full_text:
            articles = articles.defer(None)  # the body is wanted after all
        articles = list(articles[: settings.CLARION_FEED_ITEMS])
        listing.entries = [self.entry(article) for article in articles]
        self.listing = listing
        return listing

    def absolute(self, url):
        return self.request.build_absolute_uri(url)

    def entry(self, article):
        authors = [
            (link.author.name, self.absolute(link.author.get_absolute_url()))
            for link in article.article_authors.all()
        ]
        if not authors and article.byline:
            authors = [(article.byline, None)]
        categories = [article.category.name] if article.category_id else []
        categories += [link.topic.name for link in article.article_topics.all()]
        short_link = self.absolute(reverse("short_link", args=[article.pk]))
        url = article.get_url(self.request)
        published = article.date or article.first_published_at or article.last_published_at
        return Entry(
            article=article,
            title=f"{article.kicker}: {article.title}" if article.kicker else article.title,
            link=self.absolute(url) if url else short_link,
            id=short_link,
            published=published,
            updated=article.last_published_at or published,
            authors=authors,
            categories=categories,
            summary=article.standfirst,
            language=article.language,
        )

    def etag(self):
        listing = self.listing
        fingerprint = [
            FEED_FORMAT_VERSION,
            self.format,
            self.full_text,
            self.absolute("/"),
            listing.title,
            listing.link,
            listing.description,
            self.paper.paper_name,
            [entry.fingerprint() for entry in listing.entries],
        ]
        digest = hashlib.sha256(json.dumps(fingerprint).encode()).hexdigest()[:32]
        return f'W/"{digest}"'  # the same entries, though the bytes may differ (an empty
        # feed's <updated> is the time of the request)

    def last_modified(self):
        """When the newest change to any of its articles was published."""
        return max((entry.updated for entry in self.listing.entries), default=None)

    # Rendering: Django's syndication framework, reading the prepared entries.

    def __call__(self, request):
        response = super().__call__(request)
        response.headers.pop("Last-Modified", None)  # the view sets the one it checked
        return response

    def get_object(self, request, *args, **kwargs):
        return self.listing

    def title(self, listing):
        return listing.title

    def link(self, listing):
        return listing.link

    def description(self, listing):
        return listing.description

    def author_name(self, listing):
        return self.paper.paper_name

    def items(self, listing):
        return listing.entries

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.id

    def item_guid_is_permalink(self, entry):
        return True  # the short link redirects to the article wherever it moves

    def item_description(self, entry):
        return html.escape(entry.summary, quote=False) if entry.summary else None

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_author_name(self, entry):
        return entry.authors[0][0] if entry.authors else None

    def item_author_link(self, entry):
        return entry.authors[0][1] if entry.authors else None

    def item_categories(self, entry):
        return entry.categories

    def item_extra_kwargs(self, entry):
        return {
            "more_authors": entry.authors[1:],
            "summary_text": entry.summary,
            "language": entry.language,
            "content": self.bodies().get(entry.article.pk),
        }

    def bodies(self):
        """{article id: its body as HTML with absolute links}, when the paper puts the full text
        in its feeds. The bodies' images come in two queries for the whole feed."""
        if not self.full_text:
            return {}
        if not hasattr(self, "_bodies"):
            articles = [entry.article for entry in self.listing.entries]
            stream_block = Article._meta.get_field("body").stream_block
            bodies = stream_block.bulk_to_python([list(a.body.raw_data) for a in articles])
            images = [
                block.value["image"]
                for body in bodies
                for block in body
                if block.block_type == "image" and block.value["image"] is not None
            ]
            prefetch_related_objects(images, "renditions")
            root = self.absolute("/").rstrip("/")
            context = {"request": self.request}
            self._bodies = {  # block by block, as the article page has it
                article.pk: absolute_urls(
                    "".join(block.render_as_block(context) for block in body), root
                )
                for article, body in zip(articles, bodies, strict=True)
            }
        return self._bodies


class SiteFeed(ArticleFeed):
    def get_listing(self):
        paper = self.paper
        return Listing(
            title=paper.paper_name,
            link=self.absolute("/"),
            description=paper.tagline or f"The latest from {paper.paper_name}",
            articles=Article.objects.readable().newest(),
        )


class CategoryFeed(ArticleFeed):
    def get_listing(self, slug):
        category = get_object_or_404(Category, slug=slug)
        return Listing(
            title=self.named(category.name),
            link=self.absolute(category.get_absolute_url()),
            description=category.description or f"The latest {category.name} articles",
            articles=Article.objects.readable().filter(category=category).newest(),
        )


class TopicFeed(ArticleFeed):
    def get_listing(self, slug):
        topic = get_object_or_404(Topic, slug=slug)
        return Listing(
            title=self.named(topic.name),
            link=self.absolute(topic.get_absolute_url()),
            description=topic.description or f"The latest articles on {topic.name}",
            articles=Article.objects.readable().on_topic(topic),
        )


class AuthorFeed(ArticleFeed):
    def get_listing(self, slug):
        author = get_object_or_404(Author, slug=slug)
        return Listing(
            title=self.named(author.name),
            link=self.absolute(author.get_absolute_url()),
            description=f"The latest articles by {author.name}",
            articles=Article.objects.readable().by_author(author),
        )


class EditionFeed(ArticleFeed):
    def get_listing(self, number):
        edition = (
            EditionPage.objects.live()
            .filter(not_restricted_q("path"), number=number)
            .order_by("-date", "-pk")
            .first()
        )
        if edition is None:
            raise Http404("No published edition has that number.")
        return Listing(
            title=self.named(edition.title),
            link=self.absolute(edition.get_url(self.request) or "/editions/"),
            description=f"Issue {edition.number}, {edition.long_date}",
            articles=Article.objects.readable().filter(edition=edition).newest(),
        )


def feed_view(feed_class):
    """A view answering conditional GETs from the prepared entries, before any rendering."""

    @require_safe
    def view(request, format, **kwargs):
        feed = feed_class(request, format)
        feed.prepare(**kwargs)
        etag = quote_etag(feed.etag())
        modified = feed.last_modified()
        response = get_conditional_response(
            request, etag=etag, last_modified=modified and int(modified.timestamp())
        )
        if response is None:
            response = feed(request)
        response.headers["ETag"] = etag
        if modified:
            response.headers["Last-Modified"] = http_date(modified.timestamp())
        return response

    view.__name__ = view.__qualname__ = f"{feed_class.__name__.lower()}_view"
    return view


site_feed = feed_view(SiteFeed)
category_feed = feed_view(CategoryFeed)
topic_feed = feed_view(TopicFeed)
author_feed = feed_view(AuthorFeed)
edition_feed = feed_view(EditionFeed)
