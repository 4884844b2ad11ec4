"""The home page: lead story, latest news, the current edition, category blocks — and the
routes for the lists that hang off the site root (/archive/, /topics/, /category/…)."""

from django.db import models
from django.http import Http404
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.models import Page

from clarion.core.content_version import cached
from clarion.core.restrictions import CachedViewRestrictionsMixin
from clarion.editions.models import EditionPage
from clarion.newsroom import views as listings
from clarion.newsroom.models import Article, Category

LATEST_COUNT = 10
PER_CATEGORY = 4


class HomePage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    lead_story = models.ForeignKey(
        "newsroom.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to lead with the newest article",
    )

    content_panels = [*Page.content_panels, FieldPanel("lead_story")]
    subpage_types = [
        "newsroom.ArticleIndexPage",
        "editions.EditionIndexPage",
        "organising.EventIndexPage",
        "organising.BranchIndexPage",
        "core.StandardPage",
    ]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = Article.objects.readable().newest().for_listing()
        latest = list(articles.select_related("lead_image")[: LATEST_COUNT + 1])
        lead = self.lead_story if self.lead_story_id and self.lead_story.live else None
        lead = lead or (latest[0] if latest else None)
        context["lead_story"] = lead
        context["latest"] = [a for a in latest if lead is None or a.pk != lead.pk][:LATEST_COUNT]
        edition = EditionPage.objects.live().select_related("cover_image").order_by("-date").first()
        context["edition"] = edition
        context["edition_contents"] = edition.table_of_contents() if edition else []
        categories = list(Category.objects.filter(show_on_home=True))
        grouped = {}
        for article in articles.newest_per_group(
            "category_id", [c.pk for c in categories], PER_CATEGORY
        ):
            grouped.setdefault(article.category_id, []).append(article)
        context["category_blocks"] = [(c, grouped[c.pk]) for c in categories if c.pk in grouped]
        return context

    def route(self, request, path_components):
        """A section below home (/news/, /editions/, a page) comes from the cache, not from
        two queries per request; home's own routes (/archive/, /topics/…) come first."""
        if path_components and not self.has_own_route(path_components):
            slug = path_components[0]
            child = cached(f"home-child:{self.pk}:{slug}", lambda: self.live_child(slug))
            if child is not None:
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def live_child(self, slug):
        child = self.get_children().live().filter(slug=slug).first()
        return child.specific if child is not None else None

    def has_own_route(self, path_components):
        try:
            self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            return False
        return True

    @path("")
    def home(self, request):
        return self.render(request)

    @path("archive/")
    def archive(self, request):
        return listings.archive_index(request, self)

    @re_path(r"^archive/(?P<year>\d{4})/(?P<month>\d{2})/$")
    def archive_month(self, request, year, month):
        return listings.month_page(request, self, year, month)

    @path("topics/")
    def topics(self, request):
        return listings.topics_a_to_z(request, self)

    @path("topics/<slug:slug>/")
    def topic(self, request, slug):
        return listings.topic_page(request, self, slug)

    @path("category/<slug:slug>/")
    def category(self, request, slug):
        return listings.category_page(request, self, slug)

    @path("authors/<slug:slug>/")
    def author(self, request, slug):
        return listings.author_page(request, self, slug)
