"""What an export holds, whatever wrote it: the plain records the WordPress and Ghost
readers yield and the importer turns into Clarion's authors, categories, topics, articles,
pages and images. A field a source does not have stays empty."""

import datetime
from dataclasses import dataclass, field


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says where and why."""


@dataclass
class Channel:
    """The export's own details, read before its first record."""

    title: str = ""
    link: str = ""
    base_url: str = ""
    language: str = ""
    version: str = ""


@dataclass
class Author:
    id: str
    login: str  # the old site's handle: its author pages' address
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    bio: str = ""
    photo_url: str = ""

    @property
    def name(self):
        full = f"{self.first_name} {self.last_name}".strip()
        return self.display_name or full or self.login


@dataclass
class Term:
    """A category (with its parent's slug) or a tag."""

    kind: str  # "category" or "tag"
    id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Item:
    """A post, page or attachment (or any other post type, kept as its name).

    `status` uses WordPress's words: publish, future (scheduled), draft, pending, private,
    trash, auto-draft, inherit."""

    id: str
    post_type: str
    title: str = ""
    slug: str = ""
    link: str = ""  # its address on the old site, full or a path
    guid: str = ""
    status: str = ""
    author_logins: list = field(default_factory=list)
    content: str = ""  # HTML
    excerpt: str = ""
    date: datetime.datetime | None = None  # publication time, in UTC
    local_date: str = ""  # as the old site wrote it, in its own time
    parent_id: str = ""
    password: str = ""
    sticky: bool = False  # WordPress's sticky, Ghost's featured: a lead story
    members_only: bool = False  # readable only by signed-in readers on the old site
    attachment_url: str = ""
    featured_image_url: str = ""  # when the source names it directly (Ghost)
    featured_image_caption: str = ""
    categories: list = field(default_factory=list)  # [(slug, name)]
    tags: list = field(default_factory=list)  # [(slug, name)]
    meta: dict = field(default_factory=dict)
    comments: int = 0
    line: int = 0  # where the item starts in the file, for reports
