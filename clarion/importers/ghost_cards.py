"""Ghost's editor documents — Lexical (Ghost 5 and 6) and mobiledoc (Ghost 4) — as HTML.

A Ghost export normally carries each post's HTML as well; these are for the posts that lack
it. Text is escaped; what Ghost itself keeps as HTML (an HTML card, a caption, a callout)
is passed on as it is, for the importer sanitises everything. Both formats share the card
renderers: an embed becomes `<clarion-embed href>`, and a card Clarion has no equivalent
for (video, signup form, product…), or one too odd to render (a gallery without its list of
pictures, an embed without its address), becomes `<clarion-unmapped reason>` holding the
card whole, for an editor to redo: one odd card never stops an import."""

import html
import json
import re

from .body import unmapped_element
from .wordpress_markup import embed

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Lexical's text format bits, outermost first.
FORMATS = ((1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"), (32, "sub"), (64, "sup"))
# What mobiledoc markups and sections may be; anything else keeps its text and drops its tag.
INLINE_TAGS = {"a", "b", "strong", "i", "em", "u", "s", "strike", "del", "code", "sub", "sup"}
SECTION_TAGS = {**{h: h for h in HEADINGS}, "p": "p", "blockquote": "blockquote"}
SECTION_TAGS |= {"aside": "blockquote", "pull-quote": "blockquote"}  # Ghost's alternative quote
LEXICAL_TAGS = {"root": "", "paragraph": "p", "quote": "blockquote", "aside": "blockquote"}
LEXICAL_TAGS |= {"listitem": "li", "link": "a", "autolink": "a"}
# Mobiledoc card names Lexical spells differently.
MOBILEDOC_CARDS = {"hr": "horizontalrule", "code": "codeblock", "card-markdown": "markdown"}
BLANK_LINE = re.compile(r"\n[ \t]*\n")
PARAGRAPH_START = re.compile(r"\s*<p[\s>]", re.IGNORECASE)


def opening(tag, href=None):
    return f'<{tag} href="{html.escape(href)}">' if href is not None else f"<{tag}>"


def wrap(tag, inner, href=None):
    return f"{opening(tag, href)}{inner}</{tag}>" if tag else inner


def text_of(value):
    return value if isinstance(value, str) else ""


def required(card, key, kind=str):
    """`card[key]`, which the card cannot be shown without: ValueError if it is missing,
    empty or not a `kind`."""
    value = card.get(key)
    if not isinstance(value, kind) or not value:
        raise ValueError(f"no {key}")
    return value


def paragraph(markup):
    """Ghost's HTML text (a caption, a callout) as a paragraph; it is often one already."""
    if not markup.strip():
        return ""
    return markup if PARAGRAPH_START.match(markup) else f"<p>{markup}</p>"


def unmapped_card(name, original):
    """A card Clarion has no equivalent for, whole (its JSON, or Ghost's HTML for it)."""
    return unmapped_element(f"Ghost card: {name}", original)


def bookmark_html(url, title, description="", caption=""):
    """A bookmark card (another site's page) as a link with its title, its description and
    caption as text. That site's icon and thumbnail are left out: they are not the paper's
    pictures, and a public page loads nothing from elsewhere."""
    description = f"<br>{html.escape(description)}" if description else ""
    link = wrap("a", html.escape(title or url), href=url)
    return f"<p>{link}{description}</p>{paragraph(caption)}"


# Cards ------------------------------------------------------------------------------------


def figure(card):
    """A picture; its caption is HTML in Ghost and is kept so."""
    src = required(card, "src")
    alt, caption = (text_of(card.get(key)) for key in ("alt", "caption"))
    caption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{html.escape(src)}" alt="{html.escape(alt)}">{caption}</figure>'


def gallery(card):
    figures = "".join(figure(image) for image in required(card, "images", list))
    return figures + paragraph(text_of(card.get("caption")))


def markdown(card):
    """Without a Markdown library: each paragraph of the raw text, escaped."""
    chunks = BLANK_LINE.split(text_of(card.get("markdown")))
    return "".join(f"<p>{html.escape(chunk.strip())}</p>" for chunk in chunks if chunk.strip())


def metadata(card, key):
    """What Ghost fetched of an embedded or bookmarked page: its title, description…"""
    found = card.get("metadata")
    return text_of(found.get(key)) if isinstance(found, dict) else ""


def bookmark(card):
    url, caption = required(card, "url"), text_of(card.get("caption"))
    return bookmark_html(url, metadata(card, "title"), metadata(card, "description"), caption)


CARDS = {
    "image": figure,
    "gallery": gallery,
    "html": lambda card: text_of(card.get("html")),
    "markdown": markdown,
    "embed": lambda card: embed(required(card, "url"), metadata(card, "title")),
    "bookmark": bookmark,
    "codeblock": lambda card: f"<pre><code>{html.escape(text_of(card.get('code')))}</code></pre>",
    "callout": lambda card: paragraph(text_of(card.get("calloutText"))),
    "horizontalrule": lambda card: "<hr>",
}


def render_card(card):
    """A card (a dict with its `type`) as HTML; one Clarion cannot map, or one a field of
    which is missing or of the wrong kind, as unmapped."""
    kind = card.get("type")
    try:
        return CARDS[kind](card)
    except (LookupError, TypeError, ValueError, AttributeError):  # unknown, or too odd
        return unmapped_card(kind, json.dumps(card, ensure_ascii=False))


# Lexical ----------------------------------------------------------------------------------


def render_lexical(document):
    """A Lexical document (parsed) as HTML."""
    root = document.get("root") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise ValueError("no root node")
    return lexical_children(root)


def lexical_children(node):
    children = node.get("children")
    return "".join(lexical_node(child) for child in children if isinstance(child, dict))


def lexical_text(node):
    text = html.escape(text_of(node.get("text")))
    format_bits = node.get("format")
    if not isinstance(format_bits, int):
        return text
    for bit, tag in reversed(FORMATS):
        if format_bits & bit:
            text = wrap(tag, text)
    return text


def lexical_tag(kind, node):
    """The element's tag, '' for one that only holds others, None for a card."""
    if kind == "heading":
        return node.get("tag") if node.get("tag") in HEADINGS else "h2"
    if kind == "list":
        return "ol" if node.get("listType") == "number" else "ul"
    return LEXICAL_TAGS.get(kind)


def lexical_node(node):
    kind = text_of(node.get("type")).removeprefix("extended-")
    if kind in ("text", "tab"):
        return lexical_text(node)
    if kind == "linebreak":
        return "<br>"
    tag = lexical_tag(kind, node)
    if tag is None:
        return render_card(node)
    href = text_of(node.get("url")) if tag == "a" else None
    return wrap(tag, lexical_children(node), href=href)


# Mobiledoc --------------------------------------------------------------------------------


def render_mobiledoc(document):
    """A mobiledoc 0.3 document (parsed) as HTML."""
    if not isinstance(document, dict) or not isinstance(document.get("sections"), list):
        raise ValueError("no sections")
    version = text_of(document.get("version"))
    if not version.startswith("0.3"):
        raise ValueError(f"version {version!r}, not 0.3")
    return "".join(mobiledoc_section(section, document) for section in document["sections"])


def mobiledoc_section(section, document):
    kind = section[0]
    if kind == 1:  # [1, tagName, markers]
        return wrap(SECTION_TAGS.get(section[1].lower(), "p"), markers(section[2], document))
    if kind == 3:  # [3, "ul" or "ol", [markers, …]]
        items = "".join(wrap("li", markers(item, document)) for item in section[2])
        return wrap("ol" if section[1].lower() == "ol" else "ul", items)
    if kind == 2:  # [2, src]
        return render_card({"type": "image", "src": section[1]})
    if kind == 10:  # [10, card index]
        name, payload = document.get("cards", [])[section[1]]
        return render_card({**payload, "type": MOBILEDOC_CARDS.get(name, name)})
    raise ValueError(f"unknown section type {kind!r}")


def markers(entries, document):
    """Text and atoms with markups opened and closed around them, as mobiledoc nests them."""
    out, open_tags = [], []
    for kind, opened, closed, value in entries:
        for index in opened:
            tag, href = markup(document.get("markups", [])[index])
            out.append(opening(tag, href) if tag else "")
            open_tags.append(tag)
        out.append(html.escape(value) if kind == 0 else atom(document["atoms"][value]))
        for _ in range(closed):
            tag = open_tags.pop()
            out.append(f"</{tag}>" if tag else "")
    out.extend(f"</{tag}>" for tag in reversed(open_tags) if tag)
    return "".join(out)


def markup(entry):
    """(tag, href) of a markup [tagName, [name, value, …]]; tag '' for one not kept."""
    tag = entry[0].lower()
    attributes = entry[1] if len(entry) > 1 else []
    href = dict(zip(attributes[::2], attributes[1::2], strict=False)).get("href")
    if tag not in INLINE_TAGS:
        return "", None
    return tag, (href or "") if tag == "a" else None


def atom(entry):
    """An atom [name, text, payload]: Ghost's soft return, or its text."""
    name, text = entry[0], entry[1]
    return "<br>" if name == "soft-return" else html.escape(text)
