"""What machines read about a page: schema.org structured data (JSON-LD) and Open Graph /
Twitter card meta tags, built as plain dicts and lists.

Everything comes from what the page has already loaded — the article, its `authors` and
`topics` from the page's context, the request's site and paper settings (both cached on the
request) and the lead image's rendition the page shows anyway — so none of it adds a query.
Every URL is absolute, on the site's own address (see addresses.SiteAddress); nothing here
makes a reader's browser load anything, from this host or any other."""

import datetime
import json

from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.formats import date_format
from django.utils.translation import get_language, to_locale
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from clarion.core.models import PaperSettings

from .addresses import SiteAddress

SCHEMA_ORG = "https://schema.org"

# The lead image's rendition for og:image and the JSON-LD image: the one the article page
# shows (newsroom/article.html), so it is already made and its lookup already cached.
SHARE_IMAGE_SPEC = "width-800"

# json.dumps leaves these as they are; inside <script> they could end it ("</script>") or
# start a comment ("<!--"). Escaped as JSON unicode escapes, the data reads the same.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data):
    """`data` as JSON that is safe inside a <script> element, whatever its strings hold."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)


def w3c_datetime(moment, zone=None):
    """'2026-06-01T13:00:00+01:00': ISO 8601 in the paper's time zone (or `zone`), the form
    sitemaps, schema.org and Open Graph all read. '' for None."""
    if moment is None:
        return ""
    return timezone.localtime(moment, zone).isoformat(timespec="seconds")


def language_tag(code):
    """'en-gb' → 'en-GB' (BCP 47, for schema.org inLanguage)."""
    return to_locale(code).replace("_", "-") if code else ""


def og_locale(code):
    """'en-gb' → 'en_GB' (Open Graph's og:locale)."""
    return to_locale(code) if code else ""


def news_language(code):
    """The ISO 639 code Google News wants: 'en-gb' → 'en' ('zh-cn' and 'zh-tw' stay whole)."""
    code = (code or "").lower()
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]


# schema.org objects --------------------------------------------------------------------------


def organization(name, url=None, logo_url=None):
    data = {"@type": "Organization", "name": name}
    if url:
        data["url"] = url
    if logo_url:
        data["logo"] = {"@type": "ImageObject", "url": logo_url}
    return data


def person(name, url=None):
    data = {"@type": "Person", "name": name}
    if url:
        data["url"] = url
    return data


def news_article(
    *,
    headline,
    url,
    publisher,
    author,
    description="",
    alternative_headline="",
    date_published="",
    date_modified="",
    image_url="",
    section="",
    keywords=(),
    language="",
):
    """A schema.org NewsArticle; empty values are left out."""
    data = {"@context": SCHEMA_ORG, "@type": "NewsArticle", "headline": headline}
    optional = {
        "alternativeHeadline": alternative_headline,
        "description": description,
        "datePublished": date_published,
        "dateModified": date_modified or date_published,
        "author": author,
        "publisher": publisher,
        "image": image_url,
        "articleSection": section,
        "keywords": list(keywords),
        "inLanguage": language,
        "url": url,
        "mainEntityOfPage": url,
    }
    data.update((key, value) for key, value in optional.items() if value)
    return data


def breadcrumb_list(crumbs):
    """A schema.org BreadcrumbList from [(name, absolute url), …], outermost first."""
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def website(*, name, url, publisher, description="", language=""):
    data = {"@context": SCHEMA_ORG, "@type": "WebSite", "name": name, "url": url}
    if description:
        data["description"] = description
    if language:
        data["inLanguage"] = language
    data["publisher"] = publisher
    return data


# The article page -----------------------------------------------------------------------------


class ArticleFacts:
    """What the article page tells machines about its article. Made once per page view (both
    the social meta and the structured data blocks use it) from the page's own context."""

    def __init__(self, page, request, authors, topics):
        self.page = page
        self.address = SiteAddress.for_request(request)
        self.paper = PaperSettings.for_request(request)
        self.url = (page.get_full_url(request) or "") if page.pk else ""  # unsaved: preview
        self.authors = [
            (author.name, self.absolute(author.get_absolute_url())) for author in authors
        ]
        self.topics = [(topic.name, self.absolute(topic.get_absolute_url())) for topic in topics]
        self.category = page.category  # the page shows it: loaded once, shared
        self.published = page.date or page.first_published_at
        self.modified = max(
            (moment for moment in (self.published, page.last_published_at) if moment),
            default=None,
        )
        self.image = self._share_image()

    @classmethod
    def of(cls, page, request, authors, topics):
        facts = page.__dict__.get("_discovery_facts")
        if facts is None:
            facts = page.__dict__["_discovery_facts"] = cls(page, request, authors, topics)
        return facts

    def absolute(self, path):
        return self.address.absolute(path) if self.address else path

    def _share_image(self):
        image = self.page.lead_image
        if image is None:
            return None
        try:
            rendition = image.get_rendition(SHARE_IMAGE_SPEC)
        except SourceImageIOError:  # the file has gone: the page shows a broken image too
            return None
        url = self.address.media(rendition.url) if self.address else rendition.url
        alt = self.page.lead_image_caption or image.default_alt_text
        return {"url": url, "width": rendition.width, "height": rendition.height, "alt": alt}

    @property
    def home_url(self):
        return self.absolute("/")

    @property
    def description(self):
        return self.page.standfirst or self.page.search_description

    def structured_data(self):
        """[NewsArticle, BreadcrumbList] as dicts, for JSON-LD."""
        page, paper = self.page, self.paper
        if self.authors:
            author = [person(name, url) for name, url in self.authors]
        elif page.byline:
            author = [person(page.byline)]
        else:
            author = [organization(paper.paper_name, self.home_url)]
        article = news_article(
            headline=page.title,
            alternative_headline=page.kicker,
            description=self.description,
            url=self.url,
            date_published=w3c_datetime(self.published),
            date_modified=w3c_datetime(self.modified),
            author=author,
            publisher=organization(paper.paper_name, self.home_url),
            image_url=self.image["url"] if self.image else "",
            section=self.category.name if self.category else "",
            keywords=[name for name, _url in self.topics],
            language=language_tag(page.language),
        )
        crumbs = [(paper.paper_name, self.home_url)]
        if self.category:
            crumbs.append((self.category.name, self.absolute(self.category.get_absolute_url())))
        if self.url:
            crumbs.append((page.title, self.url))
        return [article, breadcrumb_list(crumbs)]

    def social_meta(self):
        """[(attribute, name, content), …] for <meta> tags: Open Graph and Twitter card."""
        page = self.page
        tags = [
            ("property", "og:site_name", self.paper.paper_name),
            ("property", "og:type", "article"),
            ("property", "og:title", page.seo_title or page.title),
            ("property", "og:description", self.description),
            ("property", "og:url", self.url),
            ("property", "og:locale", og_locale(page.language)),
        ]
        if self.image:
            tags += [
                ("property", "og:image", self.image["url"]),
                ("property", "og:image:width", str(self.image["width"])),
                ("property", "og:image:height", str(self.image["height"])),
                ("property", "og:image:alt", self.image["alt"]),
            ]
        tags += [
            ("property", "article:published_time", w3c_datetime(self.published)),
            ("property", "article:modified_time", w3c_datetime(self.modified)),
            ("property", "article:section", self.category.name if self.category else ""),
        ]
        tags += [("property", "article:author", url) for _name, url in self.authors]
        tags += [("property", "article:tag", name) for name, _url in self.topics]
        card = "summary_large_image" if self.image else "summary"
        tags.append(("name", "twitter:card", card))
        return [tag for tag in tags if tag[2]]


# Every other page ----------------------------------------------------------------------------

# Objects the listing views put in their context, whose name titles the page (the `page` of
# /category/…, /topics/…, /authors/… is the home page they are routes of).
LISTED_OBJECTS = ("category", "topic", "author", "branch", "region")


def _is_page_itself(page, request):
    """True when `request` is for `page`'s own address, not one of its routes
    (/category/…, /archive/…)."""
    return isinstance(page, Page) and bool(page.pk) and page.get_url(request) == request.path


def default_social_meta(context):
    """The site-wide defaults: Open Graph 'website' tags and a summary Twitter card."""
    request = context.get("request")
    if request is None:
        return []
    address = SiteAddress.for_request(request)
    if address is None:
        return []
    paper = PaperSettings.for_request(request)
    page = context.get("page")
    title, description = paper.paper_name, paper.tagline
    listed = next(
        (
            context[name]
            for name in LISTED_OBJECTS
            if isinstance(getattr(context.get(name), "name", None), str)
        ),
        None,
    )
    month = context.get("month")
    if listed is not None:
        title = listed.name
        description = getattr(listed, "description", "") or getattr(listed, "bio", "")
    elif isinstance(month, datetime.date):
        title = date_format(month, "F Y")
    elif _is_page_itself(page, request) and page.pk != address.site.root_page_id:
        title = page.seo_title or page.title
        description = page.search_description or getattr(page, "intro", "") or description
    elif _is_page_itself(page, request):  # the home page
        description = page.search_description or description
    tags = [
        ("property", "og:site_name", paper.paper_name),
        ("property", "og:type", "website"),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", address.absolute(escape_uri_path(request.path))),
        ("property", "og:locale", og_locale(get_language())),
        ("name", "twitter:card", "summary"),
    ]
    return [tag for tag in tags if tag[2]]


def home_structured_data(context):
    """[WebSite] for the home page itself; [] for every other page."""
    request = context.get("request")
    page = context.get("page")
    if request is None or not _is_page_itself(page, request):
        return []
    address = SiteAddress.for_request(request)
    if address is None or page.pk != address.site.root_page_id:
        return []
    paper = PaperSettings.for_request(request)
    publisher = organization(paper.paper_name, address.absolute("/"))
    if paper.organisation_name:
        publisher["parentOrganization"] = organization(paper.organisation_name)
    return [
        website(
            name=paper.paper_name,
            url=address.absolute("/"),
            description=paper.tagline,
            language=language_tag(get_language()),
            publisher=publisher,
        )
    ]
