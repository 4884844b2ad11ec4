"""The two kinds of export, as the importer sees them: the records they hold, how to check
them whole before anything is written, and the addresses their old site gave each record
(for redirects). The importer itself knows neither WordPress nor Ghost."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import ghost_markup, wordpress_markup
from .ghost import read_ghost
from .records import Channel, Item, Term
from .wxr import read_wxr


@dataclass
class Survey:
    """What the checking pass learned: how many records (for the progress bar) and, for
    WordPress, each attachment's file address (a post's featured picture and galleries
    name attachments by id, often ones further down the file)."""

    records: int = 0
    attachments: dict = field(default_factory=dict)  # attachment id → (file address, title)


def nicename(login):
    """WordPress's address name for a login, as its author pages use it: lower case, dots
    as hyphens, other marks dropped ("Ann.Lee@mail.example" → "ann-leemail-example")."""
    name = re.sub(r"[^a-z0-9 _-]", "", login[:50].lower().replace(".", "-"))
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", name)).strip("-")


def path_of(url):
    """'/2024/05/a-post/' of 'https://old.example/2024/05/a-post/'; '' for none, or for
    what is no address ('http://[oops/')."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


class WordPressExport:
    source = "wordpress"
    line_breaks = True  # WordPress shows blank lines as paragraphs, newlines as breaks

    def __init__(self, path):
        self.path = path
        self.site = ""
        self.survey = Survey()
        self.category_parents = {}  # slug → parent slug, for the old category addresses

    def check(self, progress=None):
        """Reads the whole file, changing nothing: raises WXRError if any of it is bad.
        `progress(bytes)` is told how far it has gone."""
        survey = Survey()
        for record in read_wxr(self.path, progress):
            survey.records += 1
            if isinstance(record, Item) and record.post_type == "attachment":
                survey.attachments[record.id] = (record.attachment_url or record.guid, record.title)
            elif isinstance(record, Channel):
                self.site = (record.base_url or record.link).rstrip("/")
        self.survey = survey
        return survey

    def records(self):
        for record in read_wxr(self.path):
            if isinstance(record, Term) and record.kind == "category":
                self.category_parents[record.slug] = record.parent_slug
            yield record

    def content(self, item):
        """The post's HTML with its shortcodes and bare embed addresses made plain."""
        return wordpress_markup.expand(item.content, self.attachment_url)

    def attachment_url(self, attachment_id):
        return self.survey.attachments.get(attachment_id, (None, ""))[0]

    def featured_image(self, item):
        """(address, title) of the post's featured picture, an attachment; ('', '') if none."""
        return self.survey.attachments.get(item.meta.get("_thumbnail_id", ""), ("", ""))

    def old_paths(self, record):
        """The old site's addresses for `record`, including WordPress's plain ones."""
        if isinstance(record, Term) and record.kind == "category":
            return [f"/category/{'/'.join(self.category_chain(record.slug))}/"]
        if isinstance(record, Term):
            return [f"/tag/{record.slug}/"]
        if isinstance(record, Item):
            plain = {"page": "page_id", "attachment": "attachment_id"}.get(record.post_type, "p")
            return [path for path in (path_of(record.link), f"/?{plain}={record.id}") if path]
        return list(
            dict.fromkeys([f"/author/{record.login}/", f"/author/{nicename(record.login)}/"])
        )

    def category_chain(self, slug):
        chain = [slug]
        while (parent := self.category_parents.get(chain[0])) and parent not in chain:
            chain.insert(0, parent)
        return chain


class GhostExport:
    source = "ghost"
    line_breaks = False

    def __init__(self, path):
        self.path = path
        self.site = ""
        self.held = []

    def check(self, progress=None):
        """Reads and checks the whole file (Ghost exports are small: it is kept in memory)."""
        self.held = list(read_ghost(self.path))
        if progress is not None:
            progress(self.path.stat().st_size)
        return Survey(records=len(self.held))

    def records(self):
        yield from self.held

    def content(self, item):
        """The post's HTML with Ghost's cards made plain (or kept for an editor)."""
        return ghost_markup.expand(item.content)

    def featured_image(self, item):
        return item.featured_image_url, ""

    def old_paths(self, record):
        if isinstance(record, Term):
            return [f"/tag/{record.slug}/"]
        if isinstance(record, Item):
            return [path_of(record.link)] if record.link else []
        return [f"/author/{record.login}/"]
