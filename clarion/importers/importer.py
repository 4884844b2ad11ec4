"""Moving an old site in: the records of an export (see sources) become Clarion's authors,
categories, topics, articles, plain pages and images, and every old address a redirect.

The export is checked whole first; a bad file stops before anything is written. Then each
record is its own transaction: one that fails is reported with its id and reason and the
rest goes on. What each record became is kept (ImportedItem), so a second run of the same
file creates nothing twice, updates only what changed in the file — and leaves alone an
article or page an editor has changed or deleted here since, rather than overwrite it."""

import hashlib
import itertools
import json
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from functools import partial
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page, PageViewRestriction, Revision

from clarion.core.db import refresh_planner_statistics
from clarion.core.models import StandardPage
from clarion.home.models import HomePage
from clarion.newsroom.models import (
    Article,
    ArticleAuthor,
    ArticleIndexPage,
    ArticleTopic,
    Author,
    Category,
    Topic,
    slug_base,
)

from .body import body_blocks, plain_text
from .media import MediaFolder
from .models import ImportedItem
from .records import Author as AuthorRecord
from .records import Channel, Item, Term

Kind = ImportedItem.Kind
FORMAT_VERSION = "1"  # part of every fingerprint: a new importer re-imports what it changed
DRAFT_STATUSES = {"draft", "pending"}
SKIPPED_STATUSES = {"trash": "in the bin", "auto-draft": "an empty draft"}
STAFF_GROUPS = ("Editors", "Moderators")  # who reads what the old site kept private
HOME_ROUTES = ("archive", "topics", "category", "authors")
SLUGS_AT_ONCE = 20  # `slug`, `slug-2`… asked for in one query when finding a free one
FIRST_STATISTICS = 1024  # records, after which the planner's statistics are refreshed, and
# again at every doubling: a growing import is planned as the tables now are
# What of an item's meta the import uses: anything else (view counters, SEO plugins' notes)
# changing on the old site is no change to the article.
USED_META = ("_thumbnail_id", "ghost_status", "feature_image_alt")


class ItemSkipped(Exception):
    """This record is left as it is; the message says why."""


class SiteNotReady(Exception):
    """The site lacks what an import fills (its home page, /news/)."""


@dataclass
class Notes:
    """What importing one record found for the report: kept only if its transaction
    commits, so a record that failed adds nothing but its failure."""

    unmapped: list = field(default_factory=list)  # (kind, id, title, [reasons])
    embeds: int = 0
    redirects: int = 0
    long_paths: list = field(default_factory=list)  # old addresses too long to redirect


@dataclass
class Report(Notes):
    """What an import did, for the summary printed at its end."""

    counts: dict = field(default_factory=dict)  # kind → Counter(created, updated, …)
    failures: list = field(default_factory=list)  # (kind, id, reason)
    skipped: list = field(default_factory=list)  # (kind, id, reason), not the unchanged
    missing_media: dict = field(default_factory=dict)  # address → why
    comments: int = 0
    lead_story: str = ""

    def count(self, kind, outcome):
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def keep(self, notes):
        """Adds a committed record's notes to the whole run's."""
        for name in (note.name for note in fields(Notes)):
            setattr(self, name, getattr(self, name) + getattr(notes, name))

    def lines(self, limit=20):
        yield f"{'':12}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}{'failed':>8}"
        for kind in [*Kind.values, *sorted(set(self.counts) - set(Kind.values))]:
            if kind in self.counts:
                tally = self.counts[kind]
                yield f"{kind:12}" + "".join(
                    f"{tally[outcome]:>{width}}"
                    for outcome, width in (
                        ("created", 9), ("updated", 9), ("unchanged", 11),
                        ("skipped", 9), ("failed", 8),
                    )
                )  # fmt: skip
        yield f"Redirects from old addresses: {self.redirects}"
        yield f"Comments skipped (Clarion does not import comments): {self.comments}"
        yield f"Embedded players turned into links: {self.embeds}"
        if self.lead_story:
            yield f"Lead story (a sticky post): {self.lead_story}"
        missing = self.missing_media.items()
        for title, rows in (
            ("Failed", [f"{k} {i}: {why}" for k, i, why in self.failures]),
            ("Skipped", [f"{k} {i}: {why}" for k, i, why in self.skipped]),
            ("Missing media", [f"{url or '(none)'}: {why}" for url, why in missing]),
            ("Old addresses too long for a redirect (over 255 characters)", self.long_paths),
            ("Needs an editor (content marked “Imported: needs an editor”)",
             [f"{k} {i} “{t}”: {'; '.join(sorted(set(r)))}" for k, i, t, r in self.unmapped]),
        ):  # fmt: skip
            if rows:
                yield f"{title}: {len(rows)}"
                yield from (f"  {row}" for row in rows[:limit])
                if len(rows) > limit:
                    yield f"  … and {len(rows) - limit} more"


def fingerprint(record):
    """Of what the import reads of `record`: where it stands in the file, its comments and
    the meta the import does not use can change without changing what it becomes."""
    data = asdict(record)
    for unused in ("line", "comments"):
        data.pop(unused, None)
    if "meta" in data:
        data["meta"] = {key: data["meta"][key] for key in USED_META if key in data["meta"]}
    text = json.dumps([FORMAT_VERSION, type(record).__name__, data], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def routes_under_home():
    """First path segments the site itself answers (admin, feeds, join, media…): a page
    moved in from the old site must not take one, or it could never be reached."""
    words = set(HOME_ROUTES)
    words |= {urlsplit(url).path.strip("/").split("/")[0] for url in (settings.MEDIA_URL,
              settings.STATIC_URL)}  # fmt: skip
    patterns = list(get_resolver().url_patterns)
    while patterns:
        pattern = patterns.pop()
        first = str(pattern.pattern).lstrip("^").split("/", 1)[0]
        words.add(first)
        if not first:  # included at the root: its own routes are top-level too
            patterns += getattr(pattern, "url_patterns", [])
    return {word for word in words if word and word.replace("-", "").isalnum()}


class Importer:
    def __init__(self, export, media_dir=None, progress=None):
        self.export = export
        self.progress = progress  # a tqdm-like factory, or None
        self.report = Report()
        self.media = MediaFolder(media_dir, self.known_media, partial(self.remember, Kind.MEDIA))
        self.ids = {kind: {} for kind in Kind.values}  # kind → {source id: object id}
        self.logins = {}  # author login → Author id
        self.category_ids = {}  # old category slug → Category id (items name them by slug)
        self.topic_ids = {}  # old tag slug → Topic id
        self.deleted_terms = set()  # old slugs of categories and tags deleted here since
        self.pending_parents = []  # (category id, parent's old slug)
        self.pending_pages = []  # pages whose parent page comes later in the file
        self.attachment_pages = []  # (its id, its old addresses, its post's id, its image id)
        self.touched = set()  # (kind, source id) of the records created or updated this run
        self.sticky = {}  # article id → date, of the old site's sticky posts
        self.language = settings.LANGUAGE_CODE
        self.notes = Notes()  # the record being imported's
        self.on_failure = []  # what to forget if its transaction is rolled back

    # The run --------------------------------------------------------------------------

    def run(self):
        survey = self.check()  # raises ImportFileError: nothing written
        self.news = ArticleIndexPage.objects.first()
        self.home = HomePage.objects.first()
        if self.news is None or self.home is None:
            raise SiteNotReady("The site has no home page or /news/ page to import into")
        self.site = self.home.get_site()
        self.reserved = routes_under_home()
        bar = self.progress(survey.records, "record", "Importing") if self.progress else None
        for number, record in enumerate(self.export.records(), start=1):
            self.take(record)
            if bar is not None:
                bar.update()
            if number >= FIRST_STATISTICS and number & (number - 1) == 0:  # 1,024, 2,048…
                refresh_planner_statistics()  # the tables it fills are no longer empty
        self.place_pending_pages()
        self.finish()
        refresh_planner_statistics()
        if bar is not None:
            bar.close()
        self.report.missing_media = self.media.missing
        return self.report

    def check(self):
        if self.progress is None:
            return self.export.check()
        with self.progress(self.export.path.stat().st_size, "B", "Checking") as bar:
            return self.export.check(bar.update)

    def take(self, record):
        if isinstance(record, Channel):
            self.language = language_of(record.language) or self.language
        elif isinstance(record, AuthorRecord):
            self.one(Kind.AUTHOR, record, self.author, source_id=record.login)
        elif isinstance(record, Term):
            kind = Kind.CATEGORY if record.kind == "category" else Kind.TAG
            self.one(kind, record, self.category if kind == Kind.CATEGORY else self.topic)
        elif isinstance(record, Item):
            self.report.comments += record.comments
            if record.status in SKIPPED_STATUSES:
                self.report.count(record.post_type, "skipped")
                self.report.skipped.append(
                    (record.post_type, record.id, SKIPPED_STATUSES[record.status])
                )
            elif record.post_type == "post":
                self.one(Kind.POST, record, self.article)
            elif record.post_type == "page":
                if record.parent_id and record.parent_id not in self.ids[Kind.PAGE]:
                    self.pending_pages.append(record)  # its parent comes later in the file
                else:
                    self.one(Kind.PAGE, record, self.page)
            elif record.post_type == "attachment":
                self.one(Kind.ATTACHMENT, record, self.attachment)
                self.after_attachment(record, self.ids[Kind.ATTACHMENT].get(record.id))
            else:
                self.report.count("other", "skipped")
                self.report.skipped.append(
                    ("item", record.id, f"a {record.post_type!r}, which Clarion does not import")
                )

    def place_pending_pages(self):
        """Pages whose parent came later in the file, each once its parent is in (a
        grandchild may wait for its parent, which waits for its own). A page whose parent
        is not in the export (or failed) goes under the home page, and its children after
        it; pages that are each other's parents, the first of them."""
        waiting, self.pending_pages = self.pending_pages, []
        while waiting:
            waiting_ids = {item.id for item in waiting}
            ready = [
                item
                for item in waiting
                if item.parent_id in self.ids[Kind.PAGE] or item.parent_id not in waiting_ids
            ] or waiting[:1]
            for item in ready:
                self.one(Kind.PAGE, item, self.page)
            placed = {id(item) for item in ready}
            waiting = [item for item in waiting if id(item) not in placed]

    def one(self, kind, record, make, source_id=None):
        """Imports one record in its own transaction; counts and reports what happened."""
        source_id = source_id or record.id
        known = self.imported(kind).filter(source_id=source_id).first()
        digest = fingerprint(record)
        if (
            known
            and known.fingerprint == digest
            and not self.media.any_found(known.missing_media)  # a second run with the pictures
            and self.still_there(kind, known)
        ):
            self.ids[kind][record.id] = known.object_id
            self.after(kind, record, known.object_id)
            self.report.count(kind, "unchanged")
            return
        self.notes, self.on_failure = Notes(), []
        self.media.begin()
        try:
            with transaction.atomic():
                target, revision_id = make(record, known)
                self.remember(
                    kind,
                    source_id,
                    target.pk,
                    fingerprint=digest,
                    revision_id=revision_id,
                    needs_editor=bool(self.notes.unmapped),
                    missing_media=list(dict.fromkeys(self.media.missing_now)),
                )
        except ItemSkipped as skipped:
            self.forget()
            self.report.count(kind, "skipped")
            self.report.skipped.append((kind, record.id, str(skipped)))
            if known and self.still_there(kind, known):  # an editor's changes: kept, linked to
                self.ids[kind][record.id] = known.object_id
                self.after(kind, record, known.object_id)
            elif known and kind in (Kind.CATEGORY, Kind.TAG):
                self.deleted_terms.add((kind, record.slug))
            return
        except Exception as error:  # one bad record must not stop the others
            self.forget()
            self.report.count(kind, "failed")
            self.report.failures.append((kind, record.id, f"{type(error).__name__}: {error}"))
            return
        self.report.keep(self.notes)
        self.touched.add((kind, record.id))
        self.ids[kind][record.id] = target.pk
        self.after(kind, record, target.pk)
        self.report.count(kind, "updated" if known else "created")

    def forget(self):
        """The record's transaction was rolled back: so is what was learned making it."""
        self.media.undo()
        for undo in self.on_failure:
            undo()

    def after(self, kind, record, object_id):
        """What later records need to know of this one, changed or not."""
        if kind == Kind.AUTHOR:
            self.logins[record.login] = object_id
        elif kind == Kind.CATEGORY:
            self.category_ids[record.slug] = object_id
        elif kind == Kind.TAG:
            self.topic_ids[record.slug] = object_id
        elif kind == Kind.POST and record.sticky and record.status == "publish":
            self.sticky[object_id] = record.date or timezone.now()

    def still_there(self, kind, known):
        model = TARGETS[kind]()
        return model.objects.filter(pk=known.object_id).exists()

    def existing(self, kind, known):
        """What an earlier run made of this record; ItemSkipped if it has been deleted, or
        changed by someone here since (Wagtail logs every change made in the admin)."""
        if known is None:
            return None
        target = TARGETS[kind]().objects.filter(pk=known.object_id).first()
        if target is None:
            raise ItemSkipped("deleted here since it was imported: not made again")
        changes = log_registry.get_logs_for_instance(target)
        if changes.filter(timestamp__gt=known.imported_at, user__isnull=False).exists():
            raise ItemSkipped("edited here since it was imported: not overwritten")
        return target

    # Redirects ------------------------------------------------------------------------

    def redirect(self, record, page=None, link=""):
        """A permanent redirect from each old address of `record` to its new home."""
        self.redirect_paths(self.export.old_paths(record), page, link)

    def redirect_paths(self, old_paths, page=None, link=""):
        new_path = Redirect.normalise_path(page_url(page) if page else link)
        for old in old_paths:
            old_path = Redirect.normalise_path(old)
            if len(old_path) > 255:
                self.notes.long_paths.append(old_path[:100] + "…")
                continue
            if old_path in ("/", new_path):
                continue
            Redirect.objects.update_or_create(
                old_path=old_path,
                site=self.site,
                defaults={
                    "redirect_page": page,
                    "redirect_link": "" if page else link,
                    "is_permanent": True,
                },
            )
            self.notes.redirects += 1

    # Authors, categories, topics ------------------------------------------------------

    def author(self, record, known):
        name = record.name[:200]
        author = (
            self.existing(Kind.AUTHOR, known) or self.matching(Kind.AUTHOR, name=name) or Author()
        )
        author.name = name
        if record.bio:
            author.bio = plain_text(record.bio, 1000)
        if record.photo_url:
            author.photo_id = self.media.image_id(record.photo_url, record.name) or author.photo_id
        author.save()
        self.redirect(record, link=author.get_absolute_url())
        return author, None

    def category(self, record, known):
        name = record.name[:200]
        parent_id = self.category_ids.get(record.parent_slug) if record.parent_slug else None
        parent_waits = bool(record.parent_slug) and parent_id is None  # later in the file
        category = self.existing(Kind.CATEGORY, known)
        if category is None and not parent_waits:  # "Local" under UK is not "Local" under US
            category = self.matching(Kind.CATEGORY, name__iexact=name, parent_id=parent_id)
        category = category or Category(show_on_home=False)  # editors choose the home blocks
        category.name = name
        if record.description or known:  # a category already here keeps its own words
            category.description = plain_text(record.description, 300)
        if category.pk is None or not self.makes_loop(category.pk, parent_id):
            category.parent_id = parent_id
        category.save()
        if parent_waits:
            self.pending_parents.append((category.pk, record.parent_slug))
            self.on_failure.append(self.pending_parents.pop)
        self.redirect(record, link=category.get_absolute_url())
        return category, None

    def topic(self, record, known):
        name = record.name[:200]
        topic = (
            self.existing(Kind.TAG, known) or self.matching(Kind.TAG, name__iexact=name) or Topic()
        )
        topic.name = name
        if record.description or known:
            topic.description = plain_text(record.description, 300)
        topic.save()
        self.redirect(record, link=topic.get_absolute_url())
        return topic, None

    def imported(self, kind):
        """What this export's earlier records of `kind` became (in this run or before)."""
        return ImportedItem.objects.filter(
            source=self.export.source, site=self.export.site, kind=kind
        )

    def remember(self, kind, source_id, object_id, **details):
        """Notes what record `source_id` of `kind` became, for the next run to find."""
        ImportedItem.objects.update_or_create(
            source=self.export.source,
            site=self.export.site,
            kind=kind,
            source_id=source_id,
            defaults={"object_id": object_id, "fingerprint": "", **details},
        )

    def matching(self, kind, **lookup):
        """What is already here under the old record's name, unless another record of the
        export became it, in this run or an earlier one: two old authors of one name stay
        two."""
        made = self.imported(kind).values("object_id")
        return TARGETS[kind]().objects.filter(**lookup).exclude(pk__in=made).first()

    @staticmethod
    def makes_loop(category_id, parent_id):
        """Whether `parent_id` is the category itself or one of its subcategories."""
        seen = set()
        while parent_id is not None and parent_id not in seen:
            if parent_id == category_id:
                return True
            seen.add(parent_id)
            parent_id = Category.objects.filter(pk=parent_id).values_list("parent_id", flat=True)
            parent_id = parent_id.first()
        return False

    def term_id(self, kind, slug, name):
        """The category or topic an item names (None if an editor deleted it here). A term
        the export's list lacks (every Ghost category, which is a post's first tag, and any
        WordPress left out) is made the first time a post names it, and known by that name
        after. A term written without its slug is known by its name."""
        ids = self.category_ids if kind == Kind.CATEGORY else self.topic_ids
        key = slug or f"name:{name.lower()}"
        if (kind, key) in self.deleted_terms:
            return None
        if key not in ids:
            object_id = self.named_term(kind, key, name[:200] or key)
            if object_id is None:
                self.deleted_terms.add((kind, key))
                return None
            ids[key] = object_id
            self.on_failure.append(lambda: ids.pop(key, None))
        return ids[key]

    def named_term(self, kind, key, name):
        """What an earlier run made of a term only posts name — as an editor may have
        renamed it since; None if they deleted it — else one of its name here, else new."""
        source_id = f"named:{key}"[:500]
        known = self.imported(kind).filter(source_id=source_id).first()
        if known:
            return (
                TARGETS[kind]()
                .objects.filter(pk=known.object_id)
                .values_list("pk", flat=True)
                .first()
            )
        term = self.matching(kind, name__iexact=name)
        if term is None:
            term = TARGETS[kind]()(name=name)
            if kind == Kind.CATEGORY:
                term.show_on_home = False  # the editors choose the home page's blocks
            term.save()
        self.remember(kind, source_id, term.pk)
        return term.pk

    # Articles and pages ---------------------------------------------------------------

    def article(self, item, known):
        schedule = schedule_of(item)  # before anything is made: an unknown status fails here
        page = self.editable(Kind.POST, known)
        body = self.body(Kind.POST, item)
        # Every article has a category: Ghost's primary tag (its first) stands for one, and
        # a post filed nowhere (or only under categories deleted here) goes under News.
        filed = item.categories or item.tags[:1]
        categories = [self.term_id(Kind.CATEGORY, s, n) for s, n in filed]
        categories = [pk for pk in categories if pk] or [self.term_id(Kind.CATEGORY, "", "News")]
        topics = [self.term_id(Kind.TAG, s, n) for s, n in item.tags]
        # An article has one category: the others file it under topics of their names.
        topics += [self.term_id(Kind.TAG, f"category:{s}", n) for s, n in filed[1:]]
        topics = [pk for pk in topics if pk]
        page = page or Article()
        page.title = title_of(item)
        page.standfirst = plain_text(item.excerpt, 600)
        page.body = body.blocks
        page.date = item.date
        page.language = self.language
        page.category_id = categories[0]
        featured, picture_title = self.export.featured_image(item)
        page.lead_image_id = self.media.image_id(featured, picture_title) if featured else None
        page.lead_image_caption = plain_text(item.featured_image_caption, 300)
        authors = (self.logins[login] for login in item.author_logins if login in self.logins)
        page.article_authors = [
            ArticleAuthor(author_id=pk, date=item.date) for pk in dict.fromkeys(authors)
        ]
        page.article_topics = [
            ArticleTopic(topic_id=pk, date=item.date) for pk in dict.fromkeys(topics)
        ]
        revision = self.save_page(page, self.news, item, schedule)
        return page, revision.pk

    def page(self, item, known):
        schedule = schedule_of(item)
        page = self.editable(Kind.PAGE, known) or StandardPage()
        parent_id = self.ids[Kind.PAGE].get(item.parent_id) if item.parent_id else None
        parent = Page.objects.filter(pk=parent_id).first() if parent_id else None
        body = self.body(Kind.PAGE, item)
        page.title = title_of(item)
        page.intro = plain_text(item.excerpt, 500)
        page.body = body.blocks
        revision = self.save_page(page, parent or self.home, item, schedule)
        return page, revision.pk

    def editable(self, kind, known):
        """The page an earlier run made, unless an editor has changed it here since."""
        page = self.existing(kind, known)
        if page is not None and page.latest_revision_id != known.revision_id:
            raise ItemSkipped("edited here since it was imported: not overwritten")
        return page

    def body(self, kind, item):
        body = body_blocks(
            self.export.content(item),
            self.media.image_id,
            line_breaks=self.export.line_breaks,
        )
        self.notes.embeds += body.embeds
        if body.unmapped:
            self.notes.unmapped.append((kind, item.id, title_of(item), body.unmapped))
        return body

    def save_page(self, page, parent, item, schedule):
        """Creates or updates the page and publishes, schedules or drafts it as the old
        site had it; returns its new revision. A page already here stays where it is (an
        editor may have moved it)."""
        published, go_live = schedule
        if page.pk:
            parent = page.get_parent()
        page.slug = self.slug_for(page, parent, item)
        if page.pk is None and published:
            revision = create_published(page, parent, item.date or timezone.now())
        else:
            if page.pk is None:
                page.live = False
                parent.add_child(instance=page)
            page.go_live_at = go_live
            revision = page.save_revision(log_action=False, clean=False)
            if go_live and page.live:  # the old site took it down until then: so does this
                page.unpublish(log_action=False)
            if published or go_live:  # one to go live later waits for its time
                revision.publish(log_action=False, skip_permission_checks=True)
            else:  # a draft (again) on the old site: not published, not waiting to be
                page.revisions.update(approved_go_live_at=None)
                Page.objects.filter(pk=page.pk).update(go_live_at=None)
                if page.live:
                    page.unpublish(log_action=False)
        self.restrict(page, item)
        self.redirect(item, page=page)
        return revision

    def slug_for(self, page, parent, item):
        """The old slug (made ASCII) if free among the page's siblings, else `slug-2`…;
        a page that already has it, or a numbered form of it, keeps its own."""
        base = slug_base(
            type(page), unquote(item.slug) or item.title or f"{item.post_type}-{item.id}"
        )
        if page.pk and (page.slug == base or page.slug.removeprefix(base + "-").isdigit()):
            return page.slug
        reserved = self.reserved if parent.pk == self.home.pk else set()
        for first in itertools.count(1, SLUGS_AT_ONCE):
            names = [base if n == 1 else f"{base}-{n}" for n in range(first, first + SLUGS_AT_ONCE)]
            # By slug alone, which is indexed; whether a page of that slug is a sibling is
            # seen here (a condition on the path makes PostgreSQL scan every sibling).
            pages = Page.objects.filter(slug__in=names).exclude(pk=page.pk)
            taken = reserved | {
                slug
                for slug, path, depth in pages.values_list("slug", "path", "depth")
                if depth == parent.depth + 1 and path.startswith(parent.path)
            }
            if free := next((name for name in names if name not in taken), None):
                return free

    def restrict(self, page, item):
        """Who may read it, as on the old site: private → staff, a password, members only."""
        PageViewRestriction.objects.filter(page=page).delete()
        if item.status == "private":
            restriction = PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.GROUPS
            )
            restriction.groups.set(Group.objects.filter(name__in=STAFF_GROUPS))
        elif item.password:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, password=item.password
            )
        elif item.members_only:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.LOGIN
            )

    # Pictures -------------------------------------------------------------------------

    def attachment(self, item, known):
        self.existing(Kind.ATTACHMENT, known)  # an image deleted here is not made again
        url = item.attachment_url or item.guid
        image_id = self.media.image_id(url, item.title)
        if image_id is None:
            why = self.media.missing.get(url, "not in the media folder")
            raise ItemSkipped(f"its file {url or '(no address)'}: {why}")
        return get_image_model().objects.get(pk=image_id), None

    def after_attachment(self, item, image_id):
        """Its old page leads on (see attachment_redirect), whether its file was found or
        not; only what that needs is kept, not the record."""
        self.attachment_pages.append(
            (item.id, self.export.old_paths(item), item.parent_id, image_id)
        )

    def known_media(self, relatives):
        """{relative path: image id} of the files among `relatives` an earlier run made
        images of; None for one whose image has been deleted here since."""
        made = dict(
            self.imported(Kind.MEDIA)
            .filter(source_id__in=relatives)
            .values_list("source_id", "object_id")
        )
        alive = set(
            get_image_model().objects.filter(pk__in=made.values()).values_list("pk", flat=True)
        )
        return {relative: pk if pk in alive else None for relative, pk in made.items()}

    # After the last record ------------------------------------------------------------

    def finish(self):
        """What needed the whole file read: categories whose parent came after them, the
        attachments' old pages, the lead story. Each is its own transaction, like a record."""
        for category_id, parent_slug in self.pending_parents:
            self.one_more(Kind.CATEGORY, parent_slug, self.set_parent, category_id, parent_slug)
        for item_id, old_paths, post_id, image_id in self.attachment_pages:
            if {(Kind.ATTACHMENT, item_id), (Kind.POST, post_id), (Kind.PAGE, post_id)} & (
                self.touched
            ):  # else it leads where it did: an editor's change to it is kept
                self.one_more(Kind.ATTACHMENT, item_id, self.attachment_redirect, old_paths,
                              post_id, image_id)  # fmt: skip
        self.one_more("home", "lead story", self.choose_lead_story)

    def one_more(self, kind, source_id, step, *args):
        self.notes = Notes()
        try:
            with transaction.atomic():
                step(*args)
        except ItemSkipped as skipped:
            self.report.skipped.append((kind, source_id, str(skipped)))
        except Exception as error:
            self.report.failures.append((kind, source_id, f"{type(error).__name__}: {error}"))
        else:
            self.report.keep(self.notes)

    def set_parent(self, category_id, parent_slug):
        parent_id = self.category_ids.get(parent_slug)
        category = Category.objects.filter(pk=category_id).first()
        if parent_id is None or category is None:
            return
        if self.makes_loop(category_id, parent_id):
            raise ValueError(f"its parent {parent_slug!r} is itself or one of its own")
        category.parent_id = parent_id
        category.save(update_fields=["parent"])

    def attachment_redirect(self, old_paths, post_id, image_id):
        """An attachment's page leads to the post it belongs to, else to the picture."""
        parent_id = self.ids[Kind.POST].get(post_id) or self.ids[Kind.PAGE].get(post_id)
        parent = Page.objects.filter(pk=parent_id).first() if parent_id else None
        picture = get_image_model().objects.filter(pk=image_id).first() if image_id else None
        if parent is not None:
            self.redirect_paths(old_paths, page=parent)
        elif picture is not None:
            self.redirect_paths(old_paths, link=picture.file.url)

    def choose_lead_story(self):
        """The newest live sticky post leads the home page — unless someone here chose the
        lead story (it is not the one the import last set), or has unpublished changes to
        the home page."""
        live = Article.objects.filter(pk__in=list(self.sticky), live=True)
        live = list(live.values_list("pk", flat=True))
        if not live:
            return
        article_id = max(live, key=self.sticky.get)
        home = HomePage.objects.get(pk=self.home.pk)
        last = self.imported(Kind.LEAD).first()
        if home.lead_story_id and home.lead_story_id != (last.object_id if last else None):
            return  # chosen here
        if home.lead_story_id != article_id:
            if home.has_unpublished_changes:
                raise ItemSkipped("the home page has changes not yet published: left alone")
            home.lead_story_id = article_id
            home.save_revision(log_action=False).publish(log_action=False)
        self.remember(Kind.LEAD, "home page", article_id)
        self.report.lead_story = Article.objects.get(pk=article_id).title


TARGETS = {
    Kind.AUTHOR: lambda: Author,
    Kind.CATEGORY: lambda: Category,
    Kind.TAG: lambda: Topic,
    Kind.POST: lambda: Article,
    Kind.PAGE: lambda: StandardPage,
    Kind.ATTACHMENT: get_image_model,
    Kind.MEDIA: get_image_model,
    Kind.LEAD: lambda: Article,
}


def create_published(page, parent, when):
    """A new live page and its revision, as Wagtail's publishing would leave them, in a
    third of the queries: nothing is cached for an address that did not exist, and the
    search index and reference index follow the page's own save."""
    page.live, page.has_unpublished_changes = True, False
    page.first_published_at = page.last_published_at = when
    parent.add_child(instance=page)
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        content=page.serializable_data(),
        object_str=str(page),
    )
    Page.objects.filter(pk=page.pk).update(
        latest_revision=revision,
        live_revision=revision,
        latest_revision_created_at=revision.created_at,
        draft_title=page.title,
    )
    page.latest_revision = page.live_revision = revision
    return revision


def schedule_of(item):
    """(published, go-live time) for the old site's status: published (or private) now,
    scheduled for later, or a draft; ValueError for a status Clarion does not know."""
    status = item.status
    later = status == "future" and item.date and item.date > timezone.now()
    go_live = item.date if later else None
    published = status in ("publish", "private") or (status == "future" and not go_live)
    if not (published or go_live or status in DRAFT_STATUSES):
        raise ValueError(f"unknown status {status!r}")
    return published, go_live


def title_of(item):
    return (item.title or f"Untitled {item.post_type} {item.id}")[:255]


def page_url(page):
    """The page's address on this site, without the host: '/news/a-post/'."""
    return page.get_url_parts()[2] if page.get_url_parts() else page.url_path


def language_of(code):
    """Clarion's language for an export's ('en-GB' → 'en-gb', 'ru-RU' → 'ru'), or ''."""
    code = (code or "").lower().replace("_", "-")
    codes = [known for known, _name in settings.LANGUAGES]
    return code if code in codes else next((c for c in codes if c == code.split("-")[0]), "")
