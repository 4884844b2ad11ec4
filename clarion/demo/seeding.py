"""Bulk generation of a realistic paper: categories, typed topics, authors, images, weekly
editions with their headings, articles filed under all of them, and the organisation's
regions, branches and events with a gazetteer of their towns (`organising.py`).

Articles are Wagtail pages, but 100,000 of them cannot go through one `add_child` each: the
page tree is a materialised path, so each batch computes its paths and inserts pages in bulk.
Counts are totals to reach, not amounts to add, and every batch is its own transaction, so an
interrupted run is resumed by running the same command again. Each article's content comes
from a random stream chosen by its position, so it does not depend on how the run was split;
generated names (topics, authors) and dates relative to "now" may differ between runs."""

import datetime
import io
import random
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker
from tqdm import tqdm
from wagtail.images.models import Image
from wagtail.models import Locale, Page

from clarion.core.content_version import content_changed
from clarion.core.db import refresh_planner_statistics
from clarion.editions.models import EditionIndexPage, EditionPage, EditionSection
from clarion.newsroom.models import (
    Article,
    ArticleAuthor,
    ArticleIndexPage,
    ArticleTopic,
    Author,
    Category,
    Topic,
    first_free,
    index_letter,
    slug_base,
)

from . import text
from .bulk import insert_rows
from .organising import OrganisingSeeder

BATCH = 2000
IN_PAPER_SHARE = 0.6
FIRST_EDITION_NUMBER = 1000


@dataclass
class ArticleMaterials:
    """What every generated article draws from, loaded once per run."""

    content_type: ContentType
    categories: list
    editions: dict  # edition date → edition
    sections: dict  # edition id → its heading ids, in order
    image_ids: list
    topic_ids: list
    author_rows: list  # (id, name)


class Seeder:
    def __init__(self, seed=1, progress=True, log=print):
        self.seed = seed
        self.progress = progress
        self.log = log
        self.locale = Locale.get_default()

    def rng(self, kind, index):
        """One independent random stream per item."""
        return random.Random(f"{self.seed}:{kind}:{index}")

    def bar(self, total, desc):
        return tqdm(total=total, desc=desc, unit=" items", disable=not self.progress, mininterval=1)

    # Snippets -------------------------------------------------------------------------

    def categories(self):
        for order, (name, description) in enumerate(text.CATEGORIES):
            Category.objects.get_or_create(
                name=name,
                defaults={"slug": slugify(name), "description": description, "sort_order": order},
            )
        return list(Category.objects.all())

    def _unique_slugs(self, model):
        used = set(model.objects.values_list("slug", flat=True))

        def make(name):
            slug = first_free(slug_base(model, name), used.__contains__)
            used.add(slug)
            return slug

        return make

    def topics(self, total):
        have = Topic.objects.count()
        if have < total:
            fake = Faker(["en_GB", "ru_RU"])
            fake.seed_instance(self.seed)
            make_slug = self._unique_slugs(Topic)
            names = set(Topic.objects.values_list("name", flat=True))
            new = []
            with self.bar(total - have, "topics") as bar:
                while have + len(new) < total:
                    kind, name = self._topic_name(fake, len(names))
                    # generated names repeat: number the repeats
                    name = first_free(name, names.__contains__, separator=" ")
                    names.add(name)
                    topic = Topic(name=name, kind=kind, slug=make_slug(name))
                    topic.initial = index_letter(name)
                    new.append(topic)
                    bar.update()
            Topic.objects.bulk_create(new, batch_size=BATCH)
        return list(Topic.objects.values_list("pk", flat=True).order_by("pk"))

    def _topic_name(self, fake, n):
        roll = n % 4
        if roll == 0:
            return Topic.Kind.PLACE, fake.city()
        if roll == 1:
            return Topic.Kind.PERSON, fake.name()
        if roll == 2:
            base = text.ORGANISATIONS[n % len(text.ORGANISATIONS)]
            return Topic.Kind.ORGANISATION, f"{fake.city()} {base}"
        return Topic.Kind.THEME, f"{text.THEMES[n % len(text.THEMES)]} ({fake.year()})"

    def authors(self, total):
        have = Author.objects.count()
        if have < total:
            fake = Faker(["en_GB", "ru_RU"])
            fake.seed_instance(self.seed + 1)
            make_slug = self._unique_slugs(Author)
            new = []
            for i in range(have, total):
                name = fake.name()
                rng = self.rng("author", i)
                new.append(Author(name=name, slug=make_slug(name), bio=text.sentence(rng)))
            Author.objects.bulk_create(new, batch_size=BATCH)
        return list(Author.objects.values_list("pk", "name").order_by("pk"))

    def images(self, total):
        have = Image.objects.filter(title__startswith="Generated picture").count()
        for i in range(have, total):
            rng = self.rng("image", i)
            Image.objects.create(
                title=f"Generated picture {i + 1}",
                file=ImageFile(_picture(rng), name=f"generated-{i + 1}.png"),
            )
        return list(
            Image.objects.filter(title__startswith="Generated picture").values_list("pk", flat=True)
        )

    # Pages ----------------------------------------------------------------------------

    def editions(self, total, image_ids):
        index = EditionIndexPage.objects.get()
        have = EditionPage.objects.count()
        if have >= total:
            return
        oldest = EditionPage.objects.order_by("date").first()
        if oldest:
            start_date, start_number = oldest.date, oldest.number
        else:
            start_date = _last_wednesday(timezone.localdate()) + datetime.timedelta(weeks=1)
            start_number = FIRST_EDITION_NUMBER + total + 1
        content_type = ContentType.objects.get_for_model(EditionPage)
        remaining = total - have
        with self.bar(remaining, "editions") as bar:
            for first in range(0, remaining, BATCH):
                count = min(BATCH, remaining - first)
                with transaction.atomic():
                    position = self._next_position(index)
                    pages = []
                    for j in range(count):
                        step = first + j + 1
                        number = start_number - step
                        date = start_date - datetime.timedelta(weeks=step)
                        rng = self.rng("edition", number)
                        pages.append(
                            self._page(
                                EditionPage,
                                content_type,
                                index,
                                position + j,
                                title=f"Issue {number}",
                                slug=str(number),
                                when=_aware(date, 6),
                                number=number,
                                date=date,
                                cover_image_id=rng.choice(image_ids) if image_ids else None,
                            )
                        )
                    self._insert_pages(EditionPage, pages, index)
                    sections = []
                    for page in pages:
                        rng = self.rng("sections", page.number)
                        headings = rng.sample(text.HEADINGS, rng.randint(6, 9))
                        sections += [
                            EditionSection(edition_id=page.pk, heading=h, sort_order=order)
                            for order, h in enumerate(headings)
                        ]
                    EditionSection.objects.bulk_create(sections, batch_size=BATCH)
                bar.update(count)

    def articles(self, total, topic_ids, author_rows, image_ids, span_days=None):
        news = ArticleIndexPage.objects.get()
        have = Article.objects.count()
        if have >= total:
            return
        sections = {}
        for section in EditionSection.objects.values("pk", "edition_id").order_by("sort_order"):
            sections.setdefault(section["edition_id"], []).append(section["pk"])
        materials = ArticleMaterials(
            content_type=ContentType.objects.get_for_model(Article),
            categories=self.categories(),
            editions={
                e.date: e for e in EditionPage.objects.only("pk", "date", "number").order_by("date")
            },
            sections=sections,
            image_ids=image_ids,
            topic_ids=topic_ids,
            author_rows=author_rows,
        )
        newest = timezone.now().replace(second=0, microsecond=0)
        if span_days is None:
            span_days = 7 * len(materials.editions) if materials.editions else 730
        step = datetime.timedelta(days=span_days) / max(total, 1)
        remaining = total - have
        with self.bar(remaining, "articles") as bar:
            while remaining > 0:
                count = min(BATCH, remaining)
                with transaction.atomic():
                    # An article's tree position is its identity: it picks the article's
                    # random stream, date and slug, and never repeats after a deletion.
                    position = self._next_position(news)
                    pages, extra = [], []
                    for j in range(count):
                        k = position + j - 1
                        rng = self.rng("article", k)
                        when = newest - step * k - datetime.timedelta(minutes=rng.randint(0, 600))
                        page, article = self._article(k, rng, when, news, position + j, materials)
                        pages.append(page)
                        extra.append(article)
                    self._insert_pages(Article, pages, news, extra)
                    self._link_topics_and_authors(pages)
                remaining -= count
                bar.update(count)

    @staticmethod
    def _next_position(parent):
        """The tree position after the parent's last child (1 for the first): counting
        children instead would reuse an existing path once a child has been deleted."""
        # Not parent.get_children(): that trusts the parent object's (stale) numchild.
        children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        last = children.order_by("-path").values_list("path", flat=True).first()
        return Page._str2int(last[-Page.steplen :]) + 1 if last else 1

    def _article(self, k, rng, when, news, position, materials):
        russian = rng.random() < 0.06
        title = rng.choice(text.RU_HEADLINES) if russian else text.headline(rng)
        edition = None
        if rng.random() < IN_PAPER_SHARE:
            edition = materials.editions.get(_last_wednesday(timezone.localdate(when)))
        if russian:
            body = [("paragraph", f"<p>{text.russian_paragraph(rng)}</p>") for _ in range(4)]
        else:
            body = text.article_body(rng, rng.randint(4, 9))
        page = self._page(
            Article,
            materials.content_type,
            news,
            position,
            title=title,
            slug=f"{slug_base(Article, title)[:60]}-{k + 1}",
            when=when,
        )
        section_ids = materials.sections.get(edition.pk, []) if edition else []
        page.seed_topics, page.seed_authors, byline = self._filing(rng, materials)
        page.seed_date = when
        article = {
            "kicker": text.kicker(rng),
            "standfirst": (
                text.russian_paragraph(rng) if russian else text.sentence(rng, rng.randint(14, 26))
            ),
            "byline": byline,
            "dateline": "",
            "body": [
                {"type": t, "value": v, "id": str(uuid.UUID(int=rng.getrandbits(128)))}
                for t, v in body
            ],
            "lead_image_id": (
                rng.choice(materials.image_ids)
                if materials.image_ids and rng.random() < 0.2
                else None
            ),
            "lead_image_caption": "",
            "category_id": rng.choice(materials.categories).pk,
            "date": when,
            "edition_id": edition.pk if edition else None,
            "edition_section_id": rng.choice(section_ids) if section_ids else None,
            "edition_position": rng.randint(0, 5),
            "language": "ru" if russian else "en-gb",
        }
        return page, article

    def _page(self, model, content_type, parent, position, *, title, slug, when, **fields):
        page = model(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=Page._get_path(parent.path, parent.depth + 1, position),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=when,
            last_published_at=when,
            locale=self.locale,
            translation_key=uuid.uuid4(),
            **fields,
        )
        return page

    def _insert_pages(self, model, pages, parent, extra=None):
        """Insert wagtailcore_page rows in bulk, then the model's own rows, then count them
        as the parent's children — all inside the caller's transaction."""
        base_fields = [f.attname for f in Page._meta.concrete_fields if f.attname != "id"]
        created = Page.objects.bulk_create(
            [Page(**{name: getattr(p, name) for name in base_fields}) for p in pages],
            batch_size=500,
        )
        for page, base in zip(pages, created, strict=True):
            page.pk = page.id = page.page_ptr_id = base.pk
        local = model._meta.local_concrete_fields
        for i, page in enumerate(pages):
            for name, value in (extra[i] if extra else {}).items():
                setattr(page, name, value)
        insert_rows(model, local, [[getattr(page, f.attname) for f in local] for page in pages])
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))

    def _filing(self, rng, materials):
        """(topic ids, author ids, free-text byline) for one article."""
        topic_ids, author_rows = materials.topic_ids, materials.author_rows
        topics = []
        if topic_ids:
            count = rng.choices([0, 1, 2, 3, 4, 6], weights=[5, 30, 30, 20, 10, 5])[0]
            # A few topics are in the news a lot; most only now and then.
            picks = (topic_ids[int(len(topic_ids) * rng.random() ** 3)] for _ in range(count))
            topics = list(dict.fromkeys(picks))
        roll = rng.random()
        if not author_rows:
            return topics, [], ""
        if roll < 0.8:
            return topics, [pk for pk, _name in rng.sample(author_rows, 2 if roll < 0.1 else 1)], ""
        return topics, [], f"{rng.choice(author_rows)[1]} reports"

    def _link_topics_and_authors(self, pages):
        links = [
            ArticleTopic(article_id=p.pk, topic_id=topic_id, date=p.seed_date, sort_order=order)
            for p in pages
            for order, topic_id in enumerate(p.seed_topics)
        ]
        credits = [
            ArticleAuthor(article_id=p.pk, author_id=author_id, date=p.seed_date, sort_order=order)
            for p in pages
            for order, author_id in enumerate(p.seed_authors)
        ]
        ArticleTopic.objects.bulk_create(links, batch_size=BATCH)
        ArticleAuthor.objects.bulk_create(credits, batch_size=BATCH)

    def run(self, *, articles, editions, topics, authors, images, regions=0, branches=0, events=0):
        """Reach the totals given. Returns the demo gazetteer written (a DemoGazetteer,
        with a postcode and town to try in the locator), or None when there are no
        branches."""
        self.categories()
        topic_ids = self.topics(topics)
        author_rows = self.authors(authors)
        image_ids = self.images(images)
        self.editions(editions, image_ids)
        self.articles(articles, topic_ids, author_rows, image_ids)
        organising = OrganisingSeeder(self)
        region_list = organising.regions(regions)
        organising.branches(branches, region_list)
        organising.events(events, topic_ids)
        gazetteer = organising.gazetteer() if branches else None
        refresh_planner_statistics()
        content_changed()
        return gazetteer


def _last_wednesday(day):
    return day - datetime.timedelta(days=(day.weekday() - 2) % 7)


def _aware(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _picture(rng):
    """A small generated picture (coloured bands and a circle) as PNG bytes."""
    from PIL import Image as PillowImage
    from PIL import ImageDraw

    width, height = 960, 600
    picture = PillowImage.new("RGB", (width, height), _colour(rng))
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(3, 6)):
        top = rng.randint(0, height)
        draw.rectangle([0, top, width, top + rng.randint(20, 160)], fill=_colour(rng))
    x, y, r = rng.randint(100, width - 100), rng.randint(100, height - 100), rng.randint(40, 160)
    draw.ellipse([x - r, y - r, x + r, y + r], fill=_colour(rng))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    buffer.seek(0)
    return buffer


def _colour(rng):
    return tuple(rng.randint(30, 230) for _ in range(3))
