"""Reading a Ghost JSON export (Ghost 4, 5 and 6).

`read_ghost(path)` yields the same plain records as the WordPress reader — the site, its
authors (Ghost's staff users), its public tags, then its posts and pages — so one importer
serves both. Ghost exports are small (text only: pictures are not in them), so the file is
read whole with `json.load` and checked whole before the first record comes out: a file
that cannot be read, is not JSON, is cut short, is not a Ghost export, is of a Ghost
version this reader does not know, or holds a field of the wrong kind raises GhostError,
whose message names the file and the field (`db[0].data.posts[3].published_at`) or the line
that is wrong.

Ghost writes `__GHOST_URL__` for its own address in links and pictures; it is removed, so
that they become paths on the site (`/content/images/…`), as the export holds no address."""

import datetime
import json
from collections import defaultdict
from pathlib import Path

from .ghost_cards import render_lexical, render_mobiledoc
from .records import Author, Channel, ImportFileError, Item, Term

MAJOR_VERSIONS = ("4", "5", "6")
# Ghost's statuses in WordPress's words; "sent" is an email-only newsletter, never on the site.
STATUSES = {"published": "publish", "scheduled": "future", "draft": "draft", "sent": "draft"}
GHOST_URL = "__GHOST_URL__"
WHERE_EXPORTS_COME_FROM = "in Ghost: Settings → Labs (or Advanced) → Export"


class GhostError(ImportFileError):
    """The file cannot be imported; the message says where and why."""


def read_ghost(path):
    """Yields the Channel first, then Authors, Terms and Items, each kind in file order.
    Nothing comes out until the whole file has been checked."""
    path = Path(path)
    document = load(path)
    try:
        records = read_export(document)
    except GhostError as error:
        raise GhostError(f"{path}: {error}") from None
    yield from records


def load(path):
    try:
        with path.open("rb") as handle:
            return json.load(handle)
    except OSError as error:
        raise GhostError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise GhostError(f"{path}: this is not JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        cut_short = error.pos >= len(error.doc.rstrip()) or error.msg.startswith(
            "Unterminated string"
        )
        why = (
            "the file ends too soon (cut short while copying?)"
            if cut_short
            else f"this is not JSON ({error.msg})"
        )
        raise GhostError(f"{path}, line {error.lineno}, column {error.colno}: {why}") from None


def read_export(document):
    """The records of a parsed export, as a list: all of them are read before any is used."""
    meta, data, where = locate(document)
    channel = read_channel(meta, data, where)
    authors = [read_user(entry, at) for entry, at in rows(data, "users", where)]
    tags = [read_tag(entry, at) for entry, at in rows(data, "tags", where)]
    public = {tag.id: tag for tag, internal in tags if not internal}
    links = Links(data, where, {author.id: author.login for author in authors}, public)
    items = [read_post(entry, at, links) for entry, at in rows(data, "posts", where)]
    return [channel, *authors, *public.values(), *items]


def locate(document):
    """(meta, data, where) of the export: Ghost's `{"db": [{"meta", "data"}]}`, or the
    older `{"meta", "data"}`; `where` is the path to them, for messages."""
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        document, where = document["db"][0], "db[0]."
    else:
        where = ""
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("meta"), dict)
        or not isinstance(document.get("data"), dict)
    ):
        raise GhostError(
            "not a Ghost export: no db list holding meta and data "
            f"(a Ghost export is a JSON file; {WHERE_EXPORTS_COME_FROM})"
        )
    return document["meta"], document["data"], where


def read_channel(meta, data, where):
    version = meta.get("version")
    accepted = ", ".join(f"{major}.x" for major in MAJOR_VERSIONS)
    if version is None:
        raise GhostError(f"{where}meta.version is missing: which Ghost wrote this? ({accepted})")
    version = str(version)
    if version.split(".")[0] not in MAJOR_VERSIONS:
        raise GhostError(
            f"{where}meta.version: Ghost version {version!r} is not one this importer reads "
            f"({accepted})"
        )
    settings = {}
    for entry, at in rows(data, "settings", where):
        settings[field(entry, "key", at)] = entry.get("value")
    title, locale, lang = (settings.get(key) for key in ("title", "locale", "lang"))
    return Channel(
        title=title if isinstance(title, str) else "",
        language=next((value for value in (locale, lang) if isinstance(value, str)), ""),
        version=version,
    )


def rows(data, name, where):
    """(entry, its path) of the list `data[name]`; none when the export lacks it."""
    entries = data.get(name)
    path = f"{where}data.{name}"
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise GhostError(f"{path} is not a list")
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise GhostError(f"{path}[{number}] is not an object")
    return [(entry, f"{path}[{number}]") for number, entry in enumerate(entries)]


# Fields -------------------------------------------------------------------------------------


def text(value):
    """A string, without the NULs JSON may carry and no database keeps."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    raise ValueError("a string")


def identifier(value):
    """Ghost's ids are strings; very old ones were numbers."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise ValueError("an id")


def flag(value):
    """Ghost writes true/false, or 1/0 from SQLite."""
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    raise ValueError("true or false")


def number(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise ValueError("a number")


def date(value):
    """An ISO date as an aware UTC datetime; one without a zone is UTC, as Ghost stores it."""
    try:
        parsed = datetime.datetime.fromisoformat(text(value))
    except ValueError:
        raise ValueError("an ISO date") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.UTC)
    return parsed.astimezone(datetime.UTC)


def field(entry, name, where, kind=text, default=""):
    """`entry[name]` checked by `kind`; `default` when missing or null, or GhostError
    naming the field."""
    value = entry.get(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError as error:
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:37] + "…"
        raise GhostError(f"{where}.{name}: {shown} is not {error}") from None


def required(entry, name, where, kind=text):
    """A field the record cannot be without."""
    value = field(entry, name, where, kind)
    if not value:
        raise GhostError(f"{where} has no {name}")
    return value


def local_url(value):
    """An address of the site as a path: Ghost's placeholder for its own address removed."""
    return value.replace(GHOST_URL, "")


# Records ------------------------------------------------------------------------------------


def read_user(entry, where):
    return Author(
        id=required(entry, "id", where, identifier),
        login=required(entry, "slug", where),
        email=field(entry, "email", where),
        display_name=field(entry, "name", where),
        bio=field(entry, "bio", where),
        photo_url=local_url(field(entry, "profile_image", where)),
    )


def read_tag(entry, where):
    """(the Term, whether it is internal): Ghost's internal tags (#name) organise the site
    and are no topic of its readers'."""
    slug = required(entry, "slug", where)
    name = field(entry, "name", where) or slug
    internal = field(entry, "visibility", where) == "internal" or name.startswith("#")
    term = Term(
        kind="tag",
        id=required(entry, "id", where, identifier),
        slug=slug,
        name=name,
        description=field(entry, "description", where),
    )
    return term, internal


class Links:
    """What the export's join tables say of each post: its authors, tags and picture
    details, looked up by the post's id."""

    def __init__(self, data, where, logins, tags):
        self.logins, self.tags = logins, tags
        self.authors = joined(data, "posts_authors", "author_id", where)
        self.tag_ids = joined(data, "posts_tags", "tag_id", where)
        self.meta = {}
        for entry, at in rows(data, "posts_meta", where):
            self.meta[required(entry, "post_id", at, identifier)] = (entry, at)

    def author_logins(self, post_id, fallback):
        ids = self.authors.get(post_id) or ([fallback] if fallback else [])
        return [self.logins[author_id] for author_id in ids if author_id in self.logins]

    def post_tags(self, post_id):
        tags = (self.tags.get(tag_id) for tag_id in self.tag_ids.get(post_id, []))
        return [(tag.slug, tag.name) for tag in tags if tag]  # internal ones are not there

    def picture(self, post_id, entry, where):
        """(url, caption, alt) of the post's feature image: its caption and alt are in
        posts_meta since Ghost 4, on the post itself before."""
        meta, meta_where = self.meta.get(post_id, ({}, where))
        caption, alt = (
            field(meta, name, meta_where) or field(entry, name, where)
            for name in ("feature_image_caption", "feature_image_alt")
        )
        return local_url(field(entry, "feature_image", where)), local_url(caption), alt


def joined(data, table, key, where):
    """{post id: [ids]} from a join table, in its sort_order (file order among equals)."""
    found = defaultdict(list)
    for entry, at in rows(data, table, where):
        post_id = required(entry, "post_id", at, identifier)
        other = required(entry, key, at, identifier)
        found[post_id].append((field(entry, "sort_order", at, number, 0), other))
    return {
        post_id: [other for _, other in sorted(pairs, key=lambda pair: pair[0])]
        for post_id, pairs in found.items()
    }


def read_post(entry, where, links):
    post_id = required(entry, "id", where, identifier)
    status = field(entry, "status", where) or "draft"
    if status not in STATUSES:
        raise GhostError(f"{where}.status: {status!r} is not one of {', '.join(STATUSES)}")
    post_type = field(entry, "type", where) or (
        "page" if field(entry, "page", where, flag, False) else "post"
    )
    if post_type not in ("post", "page"):
        raise GhostError(f"{where}.type: {post_type!r} is neither post nor page")
    slug = field(entry, "slug", where)
    picture, caption, alt = links.picture(post_id, entry, where)
    return Item(
        id=post_id,
        post_type=post_type,
        title=field(entry, "title", where),
        slug=slug,
        link=f"/{slug}/" if slug else "",
        guid=field(entry, "uuid", where),
        status=STATUSES[status],
        author_logins=links.author_logins(post_id, field(entry, "author_id", where, identifier)),
        content=local_url(content(entry, where)),
        excerpt=field(entry, "custom_excerpt", where),
        date=field(entry, "published_at", where, date, None),
        local_date=field(entry, "published_at", where),
        sticky=field(entry, "featured", where, flag, False),
        members_only=(field(entry, "visibility", where) or "public") != "public",
        featured_image_url=picture,
        featured_image_caption=caption,
        tags=links.post_tags(post_id),
        meta={
            **({"ghost_status": status} if status == "sent" else {}),
            **({"feature_image_alt": alt} if alt else {}),
        },
    )


def content(entry, where):
    """The post's HTML as Ghost rendered it, else rendered here from its editor document
    (Lexical since Ghost 5, mobiledoc before)."""
    if body := field(entry, "html", where):
        return body
    for name, render in (("lexical", render_lexical), ("mobiledoc", render_mobiledoc)):
        if source := field(entry, name, where):
            try:
                document = json.loads(source)
            except json.JSONDecodeError as error:
                raise GhostError(f"{where}.{name}: not JSON ({error.msg})") from None
            try:
                return render(document)
            except (LookupError, TypeError, ValueError, AttributeError) as error:
                raise GhostError(f"{where}.{name}: not a {name} document ({error})") from None
    return ""
