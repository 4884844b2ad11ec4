"""An old site's body HTML, made safe and turned into Clarion's body blocks.

The HTML is sanitised first (nh3: no scripts, no event handlers, no `javascript:` links, no
styles), then read top to bottom: text, lists and inline formatting become paragraph blocks
in Wagtail's rich-text format, headings crossheads, blockquotes quotes, pictures image
blocks (from the media folder; a gallery's each with its own caption). A picture, player or
table inside a list, quote or heading follows it as a block of its own. Embedded players
become plain links — a public page loads nothing from elsewhere — and whatever has no
Clarion equivalent (a table, an unknown shortcode or card, a picture the media folder lacks)
becomes an "Imported: needs an editor" block holding what the old site had: kept and
visible in the editor, never silently lost.

Two elements are the readers' way of passing on what they met (see wordpress_markup,
ghost_markup and ghost_cards): `<clarion-embed href>` for an embed and
`<clarion-unmapped reason>` for anything else that could not be mapped."""

import html
import re
import uuid
from dataclasses import dataclass, field

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString

EMBED, UNMAPPED = "clarion-embed", "clarion-unmapped"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LISTS = {"ul", "ol"}
PLAYERS = {"iframe", "video", "audio", EMBED}
# What becomes a block of its own wherever it stands, even inside a list or a quote.
STANDALONE = {"img", "table", UNMAPPED, *PLAYERS}
# Elements read as text whole: what stands alone inside them is taken out first.
READ_WHOLE = {*LISTS, *HEADINGS, "blockquote", "pre"}
ALLOWED_TAGS = {
    *HEADINGS, *LISTS, *PLAYERS, UNMAPPED, "p", "br", "b", "strong", "i", "em", "u", "s",
    "sub", "sup", "a", "li", "blockquote", "cite", "footer", "figure", "figcaption", "img",
    "pre", "code", "hr", "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
    "div", "span", "section", "article", "header", "aside", "source",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "iframe": {"src", "title"},
    "video": {"src"},
    "audio": {"src"},
    "source": {"src"},
    EMBED: {"href"},
    UNMAPPED: {"reason"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
SCHEMES = {"http", "https", "mailto", "tel"}
# Inline formatting a Clarion paragraph keeps, in Wagtail's stored form.
INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "sup": "sup"}
TEXT_BLOCKS = [*HEADINGS, *LISTS, "p", "li", "div", "section", "article", "header", "aside"]
LINE_MARK, BLOCK_MARK = "\ue000", "\ue001"  # a line break, a block's edge, while reading text
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
LOOSE_BREAKS = re.compile(r"^(\s*<br/>)+|(<br/>\s*)+$")  # at a paragraph's ends


def unmapped_element(reason, original):
    """How a reader of an export passes on what Clarion has no equivalent for: the original,
    escaped, in a <clarion-unmapped> element that becomes an "Imported" block."""
    reason = html.escape(reason, quote=True)
    return f'<{UNMAPPED} reason="{reason}">{html.escape(original)}</{UNMAPPED}>'


def sanitise(markup):
    """The HTML with everything unsafe removed, the contents of scripts and styles too."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "noscript", "template", "object"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel=None,
    )


def plain_text(markup, limit=None):
    """Text only (an excerpt for a standfirst), whitespace collapsed, cut at a word."""
    text = " ".join(BeautifulSoup(sanitise(markup), "html.parser").get_text(" ").split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


@dataclass
class Body:
    """The blocks (as stored: type, value, id) and what an editor needs to know of them."""

    blocks: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)  # reasons, one per imported-content block
    missing_media: list = field(default_factory=list)  # picture addresses not found
    embeds: int = 0  # players turned into links


def body_blocks(markup, find_image, *, line_breaks=False):
    """Body of `markup`. `find_image(src, title)` gives a Wagtail image id or None.
    With `line_breaks` (WordPress), blank lines part paragraphs and a newline breaks a line,
    as WordPress itself shows its posts."""
    builder = BodyBuilder(find_image, line_breaks)
    builder.walk(BeautifulSoup(sanitise(markup or ""), "html.parser"))
    builder.flush_paragraphs()
    return builder.body


def has_any(tag, names):
    return tag.name in names or tag.find(names) is not None


def held(tag):
    """The pictures (a figure with its picture whole), players, tables and unmapped content
    inside `tag`, outermost only, in document order."""
    for child in tag.find_all(True, recursive=False):
        if child.name in STANDALONE or (child.name == "figure" and child.find("img")):
            yield child
        else:
            yield from held(child)


def lone_picture(figure):
    """The figure's picture if it holds just that; None for a gallery, or a figure with a
    player or a table besides."""
    inside = list(held(figure))
    return inside[0] if len(inside) == 1 and inside[0].name == "img" else None


def text_lines(tag):
    """A tag's text (a quote's), each paragraph or other block it holds parted from the
    next by a blank line and each line break kept; the rest of its whitespace collapsed."""
    for br in tag.find_all("br"):
        br.replace_with(LINE_MARK)
    for block in tag.find_all(TEXT_BLOCKS):
        block.insert_before(BLOCK_MARK)
        block.insert_after(BLOCK_MARK)
    paragraphs = (
        "\n".join(" ".join(line.split()) for line in part.split(LINE_MARK) if line.strip())
        for part in tag.get_text().split(BLOCK_MARK)
    )
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


class BodyBuilder:
    """Reads the sanitised tree once, gathering runs of text into paragraph blocks."""

    def __init__(self, find_image, line_breaks):
        self.find_image = find_image
        self.line_breaks = line_breaks
        self.body = Body()
        self.inline = []  # the open paragraph's HTML pieces
        self.paragraphs = []  # finished <p>/<ul>/<ol> of the open paragraph block

    # Blocks ---------------------------------------------------------------------------

    def add(self, block_type, value):
        self.flush_paragraphs()
        self.body.blocks.append({"type": block_type, "value": value, "id": str(uuid.uuid4())})

    def flush_inline(self):
        text = LOOSE_BREAKS.sub("", "".join(self.inline)).strip()
        if text:
            self.paragraphs.append(f"<p>{text}</p>")
        self.inline = []

    def flush_paragraphs(self):
        self.flush_inline()
        if self.paragraphs:
            paragraphs, self.paragraphs = self.paragraphs, []
            self.add("paragraph", "".join(paragraphs))

    def mark(self, reason, source):
        """An imported-content block: what the old site had, for an editor."""
        self.add("imported", {"reason": reason[:300], "source": source.strip()})

    def unmapped(self, reason, source):
        self.body.unmapped.append(reason)
        self.mark(reason, source)

    # Reading --------------------------------------------------------------------------

    def walk(self, parent):
        for node in parent.children:
            if isinstance(node, Comment):
                continue
            if isinstance(node, NavigableString):
                self.text(str(node))
            else:
                self.element(node)

    def text(self, text):
        if not self.line_breaks:
            self.inline.append(html.escape(text.replace("\n", " ")))
            return
        for number, part in enumerate(PARAGRAPH_BREAK.split(text)):
            if number:
                self.flush_inline()
            self.inline.append("<br/>".join(html.escape(line) for line in part.split("\n")))

    def element(self, tag):
        """One element; one read as text whole (a list, a quote, a heading) is followed by
        the pictures, players and unmapped content it held, so none is shown as text or lost."""
        name = tag.name
        lifted = [found.extract() for found in list(held(tag))] if name in READ_WHOLE else []
        if name in INLINE or name in {"a", "span", "u", "s", "sub", "code", "cite", "br"}:
            if has_any(tag, STANDALONE):
                self.walk(tag)  # a linked picture: the picture, not the link
            else:
                self.inline.append(render_inline(tag))
        elif name == "p":
            self.flush_inline()
            self.walk(tag)
            self.flush_inline()
        elif name in LISTS:
            self.flush_inline()
            if rendered := render_list(tag):
                self.paragraphs.append(rendered)
        elif name in HEADINGS:
            if text := " ".join(tag.get_text(" ").split()):
                self.add("crosshead", text)
        elif name == "blockquote":
            self.quote(tag)
        elif name == "figure" and (picture := lone_picture(tag)):  # a gallery: see below
            caption = tag.find("figcaption")
            self.image(picture, " ".join(caption.get_text(" ").split()) if caption else "")
        elif name == "img":
            self.image(tag)
        elif name in PLAYERS:
            self.player(tag)
        elif name == UNMAPPED:
            self.unmapped(tag.get("reason") or "Content the import could not map", tag.text)
        elif name == "table":
            self.unmapped(
                "A table: Clarion has no table block; redo it as text, a fact box or a picture",
                str(tag),
            )
        elif name == "pre":
            self.flush_inline()
            lines = [html.escape(line) for line in tag.get_text().strip("\n").split("\n")]
            self.paragraphs.append(f"<p>{'<br/>'.join(lines)}</p>")
        else:
            # div, section, hr, a gallery (its inner figures each with their own caption, its
            # own caption as text)…: a boundary, then what it holds, in order
            self.flush_inline()
            self.walk(tag)
            self.flush_inline()
        for found in lifted:
            self.element(found)

    def quote(self, tag):
        cite = tag.find(["cite", "footer"])
        attribution = " ".join(cite.extract().get_text(" ").split()) if cite else ""
        text = text_lines(tag)
        if text:
            self.add("quote", {"text": text, "attribution": attribution.lstrip("—– -")[:200]})

    def image(self, img, caption=""):
        src, alt = img.get("src", ""), img.get("alt", "")
        image_id = self.find_image(src, alt or caption) if src else None
        if image_id is None:
            self.body.missing_media.append(src)
            self.mark(
                "A picture not found in the media folder: add it, or delete this block",
                src or "(a picture with no address)",
            )
            return
        self.add("image", {"image": image_id, "caption": caption[:300], "credit": ""})

    def player(self, tag):
        source = tag.find("source")
        url = tag.get("href") or tag.get("src") or (source.get("src") if source else "")
        if not url:
            self.unmapped("An embedded player with no address", str(tag))
            return
        self.body.embeds += 1
        self.flush_inline()
        link = html.escape(url, quote=True)
        label = html.escape(" ".join(tag.get_text(" ").split()) or url)
        self.paragraphs.append(f'<p><a href="{link}">{label}</a></p>')


def render_inline(tag):
    """Inline HTML in Wagtail's stored form: bold, italic, superscript, links, line breaks."""
    if isinstance(tag, Comment):
        return ""
    if isinstance(tag, NavigableString):
        return html.escape(" ".join(str(tag).split("\n")))
    if tag.name == "br":
        return "<br/>"
    inner = "".join(render_inline(child) for child in tag.children)
    if tag.name == "a" and tag.get("href") and inner.strip():  # not one left empty
        return f'<a href="{html.escape(tag["href"], quote=True)}">{inner}</a>'
    if tag.name in INLINE and inner.strip():
        return f"<{INLINE[tag.name]}>{inner}</{INLINE[tag.name]}>"
    return inner


def render_list(tag):
    """The list in Wagtail's form, without the items left empty (a picture or a player taken
    out of them); '' if none is left."""
    items = []
    for item in tag.find_all("li", recursive=False):
        nested = "".join(
            render_list(sub.extract()) for sub in item.find_all(LISTS, recursive=False)
        )
        if text := render_inline(item).strip() + nested:
            items.append(f"<li>{text}</li>")
    return f"<{tag.name}>{''.join(items)}</{tag.name}>" if items else ""
