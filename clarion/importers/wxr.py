"""Reading a WordPress eXtended RSS (WXR) export, as a stream.

`read_wxr(path)` yields what the file holds, in file order — its authors, categories, tags
and items (posts, pages, attachments) — as plain records, holding one item in memory at a
time whatever the file's size (a 1 GB export reads in constant memory). Entities that could
blow up or reach outside the file are refused (defusedxml). A file that is not XML, is cut
short, is not a WordPress export or is of an unknown WXR version raises WXRError, whose
message names the line (and the element or field) that is wrong.

The importer reads a file twice: once to check it whole, changing nothing, then to import."""

import datetime
import html
from functools import partial
from pathlib import Path
from xml.etree.ElementTree import ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .records import Author, Channel, ImportFileError, Item, Term

WP_PREFIX = "http://wordpress.org/export/"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
VERSIONS = ("1.0", "1.1", "1.2")
PROGRESS_BYTES = 1 << 20


class WXRError(ImportFileError):
    """The file cannot be imported; the message says where and why."""


def local(tag):
    return tag.rsplit("}", 1)[-1]


def is_wp(tag):
    return tag.startswith("{" + WP_PREFIX)


def text_of(element, name):
    """The text of `element`'s first child named `name` (a WordPress name without its
    namespace, whichever WXR version; or a full {namespace}name), stripped; '' if none."""
    for child in element:
        if child.tag == name or (is_wp(child.tag) and local(child.tag) == name):
            return (child.text or "").strip()
    return ""


def name_of(element, name):
    """A name as WordPress writes it (titles, terms, authors), with its HTML escapes
    undone: WordPress stores "Arts &amp; Culture" for Arts & Culture."""
    return html.unescape(text_of(element, name))


def parse_gmt(value, line):
    if not value or value.startswith("0000-00-00"):
        return None  # drafts never published carry no date
    try:
        naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise WXRError(f"line {line}: post_date_gmt {value!r} is not a date") from None
    return naive.replace(tzinfo=datetime.UTC)


def read_item(element, line):
    post_id = text_of(element, "post_id")
    if not post_id:
        raise WXRError(f"line {line}: an item has no wp:post_id")
    item = Item(
        id=post_id,
        post_type=text_of(element, "post_type") or "post",
        title=name_of(element, "title"),
        slug=text_of(element, "post_name"),
        link=text_of(element, "link"),
        guid=text_of(element, "guid"),
        status=text_of(element, "status"),
        author_logins=[login] if (login := text_of(element, DC_CREATOR)) else [],
        content=next((c.text or "" for c in element if c.tag == CONTENT), ""),
        excerpt=next(
            (c.text or "" for c in element if local(c.tag) == "encoded" and "excerpt" in c.tag),
            "",
        ),
        date=parse_gmt(text_of(element, "post_date_gmt"), line),
        local_date=text_of(element, "post_date"),
        parent_id=text_of(element, "post_parent").lstrip("0") or "",
        password=text_of(element, "post_password"),
        sticky=text_of(element, "is_sticky") == "1",
        attachment_url=text_of(element, "attachment_url"),
        line=line,
    )
    for child in element:
        name = local(child.tag)
        if child.tag == "category":
            pair = (child.get("nicename", ""), html.unescape((child.text or "").strip()))
            if child.get("domain") == "category":
                item.categories.append(pair)
            elif child.get("domain") == "post_tag":
                item.tags.append(pair)
        elif is_wp(child.tag) and name == "postmeta":
            item.meta[text_of(child, "meta_key")] = text_of(child, "meta_value")
        elif is_wp(child.tag) and name == "comment":
            item.comments += 1
    return item


def required(element, name, line):
    """A field the record cannot be without, or WXRError naming it."""
    value = text_of(element, name)
    if not value:
        raise WXRError(f"line {line}: a wp:{local(element.tag)} has no {name}")
    return value


def read_channel_child(element, line):
    """An author, category or tag of the channel; None for anything else."""
    name = local(element.tag)
    if name == "author":
        return Author(
            id=text_of(element, "author_id"),
            login=required(element, "author_login", line),
            email=text_of(element, "author_email"),
            display_name=name_of(element, "author_display_name"),
            first_name=name_of(element, "author_first_name"),
            last_name=name_of(element, "author_last_name"),
        )
    if name == "category":
        slug = required(element, "category_nicename", line)
        return Term(
            kind="category",
            id=text_of(element, "term_id"),
            slug=slug,
            name=name_of(element, "cat_name") or slug,
            parent_slug=text_of(element, "category_parent"),
            description=text_of(element, "category_description"),
        )
    if name == "tag":
        slug = required(element, "tag_slug", line)
        return Term(
            kind="tag",
            id=text_of(element, "term_id"),
            slug=slug,
            name=name_of(element, "tag_name") or slug,
            description=text_of(element, "tag_description"),
        )
    return None


def read_wxr(path, progress=None):
    """Yields the Channel first, then Authors, Terms and Items in file order; tells
    `progress(bytes)`, if given, how much more of the file has been read, a megabyte or so
    at a time."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise WXRError(f"{path}: cannot be read ({error.strerror})") from None
    with handle:
        yield from _read(handle, path, progress)


def events(handle, progress=None):
    """(event, element, line) from the file, fed a line at a time so that each element's
    line is known; a DTD or entity declaration is refused (defusedxml)."""
    parser = XMLPullParser(
        events=("start", "end"), _parser=DefusedXMLParser(forbid_dtd=True, target=TreeBuilder())
    )
    line = unreported = 0
    for line, text in enumerate(handle, start=1):  # noqa: B007 (the last line is used below)
        parser.feed(text)
        for event, element in parser.read_events():
            yield event, element, line
        unreported += len(text)
        if progress is not None and unreported >= PROGRESS_BYTES:
            progress(unreported)
            unreported = 0
    if progress is not None:
        progress(unreported)
    try:
        parser.close()  # a file cut short fails here, whatever it was in the middle of
    except ParseError as error:
        error.at_the_end = True
        raise
    for event, element in parser.read_events():
        yield event, element, line


def _read(handle, path, progress):
    channel = Channel()
    depth = 0  # 1: rss, 2: channel, 3: the channel's children
    parents = [None, None]  # <rss>, <channel>: the elements read ones are let go from
    started = False
    item_line = 0
    try:
        for event, element, line in events(handle, progress):
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WXRError(
                        f"{path}: not a WordPress export: the file is <{local(element.tag)}>, "
                        "not <rss> (in WordPress: Tools → Export)"
                    )
                if depth <= 2:
                    parents[depth - 1] = element
                if depth == 3 and element.tag == "item":
                    item_line = line
                continue
            depth -= 1
            if depth != 2:  # only the children of <channel>, once complete
                continue
            if parents[1] is not None:
                parents[1].remove(element)  # read once, let go: memory stays flat
            reader, value = None, (element.text or "").strip()
            if element.tag == "item":
                reader = partial(read_item, element, item_line)
            elif element.tag in ("title", "link", "language"):
                setattr(channel, element.tag, value)
            elif is_wp(element.tag) and local(element.tag) == "wxr_version":
                channel.version = value
            elif is_wp(element.tag) and local(element.tag) == "base_site_url":
                channel.base_url = value
            elif is_wp(element.tag):
                reader = partial(read_channel_child, element, line)
            if reader is not None:
                if not started:  # the channel is checked before any record is read
                    yield check_channel(channel, path, line)
                    started = True
                record = reader()
                element.clear()
                if record is not None:
                    yield record
    except ParseError as error:
        line, column = error.position
        raise WXRError(f"{path}, line {line}, column {column}: {describe(error)}") from None
    except DefusedXmlException as error:
        raise WXRError(f"{path}: refused: {error}") from None
    if not started:
        yield check_channel(channel, path, 0)


def describe(error):
    message = str(error).split(":")[0]
    if getattr(error, "at_the_end", False) or message in ("no element found", "unclosed token"):
        return "the file ends too soon (cut short while copying?)"
    if message == "syntax error":
        return "this is not XML"
    return message


def check_channel(channel, path, line):
    if not channel.version:
        raise WXRError(
            f"{path}, line {line}: no <wp:wxr_version>: this RSS file is not a WordPress "
            "export (in WordPress: Tools → Export)"
        )
    if channel.version not in VERSIONS:
        raise WXRError(
            f"{path}: WXR version {channel.version!r} is not one this importer reads "
            f"({', '.join(VERSIONS)})"
        )
    return channel
