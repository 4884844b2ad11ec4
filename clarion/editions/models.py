"""The printed paper: each edition, its own ordered section headings, and the list of them.

Articles point at their edition and heading (see newsroom.Article); this app knows them only
through that reverse relation, so it sits below the newsroom."""

from django.db import models
from django.db.models import F
from django.utils.formats import date_format
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, Page

from clarion.core.content_version import cached
from clarion.core.pagination import paginate
from clarion.core.restrictions import CachedViewRestrictionsMixin


class EditionIndexPage(CachedViewRestrictionsMixin, Page):
    """/editions/: every edition, newest first."""

    intro = models.CharField(max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["editions.EditionPage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        editions = (
            EditionPage.objects.live()
            .child_of(self)
            .select_related("cover_image")
            .prefetch_related("cover_image__renditions")  # one query for every cover
            .order_by("-date", "-number")
        )
        context["editions"] = paginate(request, editions)
        return context


class EditionPage(CachedViewRestrictionsMixin, Page):
    """One issue of the paper: number, date, cover, contents by heading, print PDF."""

    number = models.PositiveIntegerField(help_text="The issue number printed on the cover")
    date = models.DateField(db_index=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    print_pdf = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The PDF of the printed paper",
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("date")]),
        FieldPanel("cover_image"),
        FieldPanel("print_pdf"),
        InlinePanel(
            "sections",
            heading="Section headings",
            label="Heading",
            help_text="The paper's own headings, in print order. Articles choose theirs.",
        ),
    ]
    parent_page_types = ["editions.EditionIndexPage"]
    subpage_types = []

    class Meta:
        indexes = [models.Index(fields=["-date", "-number"], name="edition_newest")]

    def __str__(self):
        return self.title

    @property
    def long_date(self):
        return date_format(self.date, "j F Y")

    def table_of_contents(self):
        """[(section or None, [links to its articles…]), …] in the paper's order: one query,
        once per content version (the home page and each article in the edition show it).
        Articles without a heading come last, under None."""
        return cached(f"edition-contents:{self.pk}", self._read_table_of_contents)

    def _read_table_of_contents(self):
        from clarion.newsroom.models import Link

        articles = (
            self.articles.readable()
            .select_related("edition_section")
            .only("id", "url_path", "title", "kicker", "edition_section")
            .order_by(
                F("edition_section__sort_order").asc(nulls_last=True),
                "edition_position",
                "pk",
            )
        )
        groups = []
        for article in articles:
            section = article.edition_section
            if not groups or groups[-1][0] != section:
                groups.append((section, []))
            groups[-1][1].append(Link.to(article))
        return groups

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["contents"] = self.table_of_contents()
        return context


class EditionSection(Orderable):
    """A heading in one edition's table of contents ('International socialist news')."""

    edition = ParentalKey(EditionPage, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=120)

    panels = [FieldPanel("heading")]

    def __str__(self):
        return self.heading
