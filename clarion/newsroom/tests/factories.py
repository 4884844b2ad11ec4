"""Factories for tests: real pages placed in the real page tree (under /news/, /editions/)."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Page

from clarion.editions.models import EditionIndexPage, EditionPage, EditionSection
from clarion.newsroom.models import (
    Article,
    ArticleAuthor,
    ArticleIndexPage,
    ArticleTopic,
    Author,
    Category,
    Topic,
)


class CategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Category {n}")

    class Meta:
        model = Category
        django_get_or_create = ["name"]


class TopicFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Topic {n}")
    kind = Topic.Kind.THEME

    class Meta:
        model = Topic


class AuthorFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Writer {n}")

    class Meta:
        model = Author


def news_index():
    return ArticleIndexPage.objects.get()


def editions_index():
    return EditionIndexPage.objects.get()


class PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under `parent` (default: its natural index page) and publishes it."""

    title = factory.Sequence(lambda n: f"Page {n}")

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, live=True, **kwargs):
        topics = kwargs.pop("topics", None)
        page = model_class(*args, **kwargs)
        page.live = live
        if topics:  # the editor's inline list of topic links, in order
            page.article_topics = [
                ArticleTopic(topic=topic, sort_order=order) for order, topic in enumerate(topics)
            ]
        parent = parent or cls.default_parent()
        parent.add_child(instance=page)
        if live:
            page.save_revision().publish()
            page.refresh_from_db()
        return page


class EditionFactory(PageFactory):
    number = factory.Sequence(lambda n: 1000 + n)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 7) + datetime.timedelta(weeks=n))
    title = factory.LazyAttribute(lambda o: f"Issue {o.number}")

    class Meta:
        model = EditionPage

    @staticmethod
    def default_parent():
        return editions_index()


class EditionSectionFactory(factory.django.DjangoModelFactory):
    heading = factory.Sequence(lambda n: f"Heading {n}")

    class Meta:
        model = EditionSection


class ArticleFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Headline number {n}")
    standfirst = "A short summary of what happened."
    category = factory.SubFactory(CategoryFactory, name="International")
    date = factory.Sequence(
        lambda n: (
            timezone.make_aware(datetime.datetime(2026, 6, 1, 12, 0)) + datetime.timedelta(hours=n)
        )
    )
    body = factory.LazyFunction(
        lambda: [
            {"type": "paragraph", "value": "<p>First paragraph of the report.</p>"},
            {"type": "crosshead", "value": "What happens next"},
            {"type": "paragraph", "value": "<p>Second paragraph of the report.</p>"},
        ]
    )

    class Meta:
        model = Article

    @staticmethod
    def default_parent():
        return news_index()


def edition_story(edition, title, section, position, **kwargs):
    """An article in `edition`, under `section` (None: no heading), at `position` there."""
    return ArticleFactory(
        title=title,
        edition=edition,
        edition_section=section,
        edition_position=position,
        **kwargs,
    )


def credit(article, *authors):
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, sort_order=order)


ImageFactory = wagtail_factories.ImageFactory
DocumentFactory = wagtail_factories.DocumentFactory
__all__ = ["Page", "ImageFactory", "DocumentFactory"]


def paper_settings(**values):
    """The default site's PaperSettings (paper name, calls to action…), updated with `values`."""
    from wagtail.models import Site

    from clarion.core.models import PaperSettings

    paper = PaperSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(paper, name, value)
    paper.save()
    return paper
