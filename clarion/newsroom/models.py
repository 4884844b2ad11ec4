"""The newsroom: articles and what they are filed under (category, topics, authors)."""

from typing import NamedTuple

from anyascii import anyascii
from django.conf import settings
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from clarion.core.content_version import cached, cached_many
from clarion.core.db import TrueLiteral
from clarion.core.models import TransliteratedSlugMixin
from clarion.core.pagination import paginate
from clarion.core.restrictions import CachedViewRestrictionsMixin

from .blocks import ArticleBodyBlock
from .querysets import ArticleManager, GroupedQuerySet, not_restricted_q


class SluggedModel(models.Model):
    """Name + unique slug, filled in from the name when left empty."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True, allow_unicode=False)

    reserved_slugs = frozenset()  # words its address shares with routes

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, self.reserved_slugs)
        super().save(*args, **kwargs)


def first_free(base, is_taken, separator="-"):
    """`base`, else `base-2`, `base-3`, …: the first that `is_taken` does not claim."""
    candidate, number = base, 1
    while is_taken(candidate):
        number += 1
        candidate = f"{base}{separator}{number}"
    return candidate


def slug_base(model, text):
    """An ASCII slug even for Cyrillic names ('Караганда' → 'karaganda')."""
    return slugify(anyascii(text))[:180] or model.__name__.lower()


def unique_slug(model, text, reserved=frozenset()):
    """A free slug for `text`, never one of the `reserved` words (addresses that are routes)."""
    return first_free(
        slug_base(model, text), lambda s: s in reserved or model.objects.filter(slug=s).exists()
    )


class Category(SluggedModel):
    """The paper's standing categories: International, Workplace, Youth, Editorial, Review…"""

    description = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="A broader category this one is part of, e.g. International for Europe",
    )
    show_on_home = models.BooleanField(default=True, help_text="Give it a block on the home page")
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("show_on_home"), FieldPanel("sort_order")]),
    ]

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "categories"
        ordering = ["sort_order", "name"]

    def get_absolute_url(self):
        return f"/category/{self.slug}/"


class CategoryTree:
    """Every category, read once per content version: a category's page names its broader
    categories and its subcategories and lists their articles too (as on the old sites
    papers move from) without a query of its own. A loop of parents stops, never hangs."""

    def __init__(self, categories):
        self.categories = categories  # in the categories' own order
        self.by_slug = {category.slug: category for category in categories}
        self.by_pk = {category.pk: category for category in categories}

    def children(self, category):
        return [c for c in self.categories if c.parent_id == category.pk]

    def family(self, category):
        """Its id and those of every category under it, however deep."""
        family, todo = set(), [category.pk]
        while todo:
            pk = todo.pop()
            if pk not in family:
                family.add(pk)
                todo.extend(c.pk for c in self.categories if c.parent_id == pk)
        return family

    def ancestors(self, category):
        """Its broader categories, outermost first."""
        chain, seen = [], {category.pk}
        parent = self.by_pk.get(category.parent_id)
        while parent is not None and parent.pk not in seen:
            chain.insert(0, parent)
            seen.add(parent.pk)
            parent = self.by_pk.get(parent.parent_id)
        return chain


def category_tree():
    return cached("category-tree", lambda: CategoryTree(list(Category.objects.all())))


class Topic(SluggedModel):
    """What an article is about, typed: a place, a person, an organisation or a theme."""

    class Kind(models.TextChoices):
        PLACE = "place", "Place"
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        THEME = "theme", "Theme"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.THEME)
    description = models.CharField(max_length=300, blank=True)
    initial = models.CharField(
        max_length=1, editable=False, db_index=True, help_text="Letter it is listed under, A–Z"
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("description")]

    class Meta(SluggedModel.Meta):
        indexes = [models.Index(fields=["initial", "name"], name="topic_a_to_z")]

    def save(self, *args, **kwargs):
        self.initial = index_letter(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"/topics/{self.slug}/"


def index_letter(name):
    """The letter a name is filed under in the A–Z listing ('#' for digits and symbols)."""
    for char in name.strip():
        if char.isalpha():
            return char.upper()[:1]  # "ß".upper() is "SS"
        if char.isdigit():
            return "#"
    return "#"


class Author(SluggedModel):
    bio = models.TextField("short bio", blank=True, max_length=1000)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("photo")]

    def get_absolute_url(self):
        return f"/authors/{self.slug}/"


class Link(NamedTuple):
    """What a list of links shows of an article. Lists shared by many pages (an edition's
    contents, a topic's or category's latest) are cached as these, once per content
    version, not rebuilt from the database on every page that shows them."""

    pk: int
    url: str
    title: str
    kicker: str

    @classmethod
    def to(cls, article):
        return cls(article.pk, article.get_url(), article.title, article.kicker)


class ArticleIndexPage(CachedViewRestrictionsMixin, Page):
    """/news/: the parent of every article; lists the latest news."""

    subpage_types = ["newsroom.Article"]
    max_count_per_parent = 1

    def route(self, request, path_components):
        """Finds the article, with its category, in one query (Wagtail's own routing takes
        two for the article alone); its sub-routes (print/) are the article's own business.
        Joining the edition and lead picture too was measured slower for every article."""
        if not path_components:
            return super().route(request, path_components)
        article = (
            Article.objects.filter(
                path__startswith=self.path, depth=self.depth + 1, slug=path_components[0]
            )
            .select_related("category")
            .first()
        )
        if article is None:
            raise Http404
        return article.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(request, Article.objects.readable().newest().for_listing())
        return context


WRONG_HEADING = "Choose a heading from this article's edition."


class ArticleForm(WagtailAdminPageForm):
    """Offers only the chosen edition's own headings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "edition_section" not in self.fields:
            return
        edition_id = self.data.get("edition") if self.is_bound else self.instance.edition_id
        field = self.fields["edition_section"]
        field.queryset = (
            field.queryset.filter(edition_id=edition_id)
            if str(edition_id or "").isdigit()
            else field.queryset.none()
        )
        field.error_messages["invalid_choice"] = WRONG_HEADING

    def clean(self):
        cleaned = super().clean()
        edition, section = cleaned.get("edition"), cleaned.get("edition_section")
        if section and (edition is None or section.edition_id != edition.pk):
            self.add_error("edition_section", WRONG_HEADING)
        return cleaned


class Article(CachedViewRestrictionsMixin, TransliteratedSlugMixin, RoutablePageMixin, Page):
    """A news story, feature or editorial, online and (optionally) in an edition."""

    kicker = models.CharField(
        max_length=120, blank=True, help_text="Short lead-in before the headline, e.g. a place"
    )
    standfirst = models.TextField(max_length=600, blank=True)
    byline = models.CharField(
        max_length=200, blank=True, help_text="Free text, e.g. 'Maria Ivanova reports'"
    )
    dateline = models.CharField("dateline place", max_length=120, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", null=True
    )
    date = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Publication time shown to readers. Leave empty to use the time it goes live.",
    )
    edition = models.ForeignKey(
        "editions.EditionPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The printed edition it appears in; empty for web-only articles",
    )
    edition_section = models.ForeignKey(
        "editions.EditionSection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name="edition heading",
        help_text="Save after choosing the edition to pick one of its headings",
    )
    edition_position = models.PositiveSmallIntegerField("order under the heading", default=0)
    language = models.CharField(
        max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = ArticleManager()
    base_form_class = ArticleForm

    content_panels = [
        FieldPanel("kicker"),
        *Page.content_panels,
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [InlinePanel("article_authors", label="Author"), FieldPanel("byline")],
            heading="Byline",
        ),
        FieldPanel("dateline"),
        MultiFieldPanel([FieldPanel("lead_image"), FieldPanel("lead_image_caption")], "Lead image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("category"), InlinePanel("article_topics", label="Topic")],
            heading="Filed under",
        ),
        MultiFieldPanel(
            [
                FieldPanel("edition"),
                FieldRowPanel([FieldPanel("edition_section"), FieldPanel("edition_position")]),
            ],
            heading="In the paper",
        ),
        FieldRowPanel([FieldPanel("date"), FieldPanel("language")]),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("kicker"),
        index.SearchField("standfirst"),
        index.SearchField("byline"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("category"),
        index.FilterField("language"),
        index.FilterField("edition"),
        index.RelatedFields(
            "article_topics", [index.RelatedFields("topic", [index.SearchField("name")])]
        ),
    ]
    parent_page_types = ["newsroom.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        indexes = [
            models.Index(fields=["-date", "-page_ptr"], name="article_newest"),
            models.Index(fields=["category", "-date", "-page_ptr"], name="article_category_newest"),
            models.Index(fields=["edition", "edition_position"], name="article_in_edition"),
        ]

    def save(self, *args, **kwargs):
        if self.date is None and self.live:
            self.date = self.go_live_at or self.first_published_at or timezone.now()
        super().save(*args, **kwargs)
        # Topic and author links carry the article's date so "latest on this topic" and "by
        # this author" read one index. Saving a draft revision saves only some fields, never
        # the date: leave them be.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "date" in update_fields:
            for links in (ArticleTopic.objects, ArticleAuthor.objects):
                links.filter(article_id=self.pk).update(date=self.date)

    # What the article page shows around the article ----------------------------------

    def get_authors(self):
        return [link.author for link in self.article_authors.select_related("author")]

    def get_topics(self):
        return [link.topic for link in self.article_topics.select_related("topic")]

    def related_links(self, per_topic=None, topics=None):
        """[(topic, [links to the latest other articles on it]), …] for each of this
        article's topics, in the editor's order. Each topic's latest are shared by every
        article on it: cached per topic, the missing ones read in one query."""
        topics = self.get_topics() if topics is None else topics
        per_topic = per_topic or settings.CLARION_RELATED_PER_TOPIC
        latest = cached_many(
            f"topic-latest-{per_topic + 1}",
            [topic.pk for topic in topics],
            lambda topic_ids: latest_on_topics(topic_ids, per_topic + 1),
        )
        groups = []
        for topic in topics:
            others = [link for link in latest[topic.pk] if link.pk != self.pk][:per_topic]
            if others:
                groups.append((topic, others))
        return groups

    def more_in_category(self, count=5):
        """Links to the category's latest other articles (the category's list is shared)."""
        if not self.category_id:
            return []

        def latest_in_category():
            articles = (
                Article.objects.readable()
                .filter(category_id=self.category_id)
                .newest()
                .only("id", "url_path", "title", "kicker")[: count + 1]
            )
            return [Link.to(article) for article in articles]

        latest = cached(f"category-latest-{count + 1}:{self.category_id}", latest_in_category)
        return [link for link in latest if link.pk != self.pk][:count]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = self.get_authors()
        # All its topics, for the page's structured data and meta tags (keywords, tags).
        context["topics"] = topics = self.get_topics()
        if self.edition_id and self.edition.live:
            context["edition_contents"] = self.edition.table_of_contents()
        context["related_links"] = self.related_links(topics=topics)
        context["more_in_category"] = self.more_in_category()
        return context

    def get_cached_paths(self):
        """The article and its printable version: what a cache in front is told to purge."""
        return ["/", "print/"]

    @path("")
    def article(self, request):
        return self.render(request)

    @path("print/")
    def printable(self, request):
        return render(
            request,
            "newsroom/article_print.html",
            {"page": self, "self": self, "authors": self.get_authors()},
        )


def latest_on_topics(topic_ids, count):
    """{topic id: [links to its `count` latest readable articles]}, in one query."""
    rows = (
        ArticleTopic.objects.filter(article__live=TrueLiteral())
        .filter(not_restricted_q("article__path"))
        .newest_per_group("topic_id", topic_ids, count)
        .select_related("article")
        .only("topic_id", "date", "article__url_path", "article__title", "article__kicker")
        .order_by("topic_id", "-date", "-article_id")
    )
    latest = {}
    for row in rows:
        latest.setdefault(row.topic_id, []).append(Link.to(row.article))
    return latest


class DatedArticleLink(Orderable):
    """An article's link to an author or a topic, with a copy of the article's date, so that
    an author's or a topic's latest articles come straight from a (author or topic, date)
    index, not from sorting all of theirs."""

    date = models.DateTimeField(null=True, editable=False)

    objects = GroupedQuerySet.as_manager()

    class Meta(Orderable.Meta):
        abstract = True

    def save(self, *args, **kwargs):
        if self.date is None:  # a link added on its own, not with its article
            self.date = self.article.date
        super().save(*args, **kwargs)


class ArticleAuthor(DatedArticleLink):
    """An author credited on an article, in byline order."""

    article = ParentalKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("author")]

    class Meta(DatedArticleLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="author_once_per_article")
        ]
        indexes = [models.Index(fields=["author", "-date"], name="author_newest")]


class ArticleTopic(DatedArticleLink):
    """An article filed under a topic."""

    article = ParentalKey(Article, on_delete=models.CASCADE, related_name="article_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("topic")]

    class Meta(DatedArticleLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="topic_once_per_article")
        ]
        indexes = [models.Index(fields=["topic", "-date"], name="topic_newest")]
