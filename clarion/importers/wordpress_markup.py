"""What WordPress writes into a post besides HTML: shortcodes and bare embed addresses.

Captions become figures, galleries the pictures they name, embeds (`[embed]`, `[video]`,
`[audio]`, `[youtube]`, a lone address on its own line) links for the body converter; any
other shortcode is passed on as unmapped, whole, for an editor. Text in square brackets
that is no shortcode ("[sic]", "[1]") is left as it is: a shortcode has attributes, a
closing tag or a name WordPress itself or a common plugin uses."""

import html
import re

from .body import EMBED, unmapped_element

SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:[\s=][^\[\]]*)?)\]")
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))|"([^"]*)"|(\S+)""")
LONE_ADDRESS = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
EMBEDS = {"embed", "video", "audio", "youtube", "vimeo", "tweet", "soundcloud", "playlist"}
KNOWN = EMBEDS | {
    "caption", "wp_caption", "gallery", "contact-form-7", "contact-form", "gravityform",
    "ninja_form", "wpforms", "button", "pullquote", "quote", "table", "su_button", "et_pb",
    "vc_row", "vc_column", "vc_column_text", "fusion_builder", "donate", "petition",
}  # fmt: skip


def parse_attributes(text):
    """{name: value} of a shortcode's attributes; positional ones under "0", "1"…"""
    attributes, position = {}, 0
    for match in ATTRIBUTE.finditer(text.lstrip("=").strip()):
        name, *quoted = match.groups()
        value = next((v for v in quoted if v is not None), "")
        if name is None or match.group(5) is not None or match.group(6) is not None:
            attributes[str(position)] = value
            position += 1
        else:
            attributes[name.lower()] = value
    return attributes


def expand(content, attachment_url):
    """`content` with shortcodes replaced. `attachment_url(id)` gives an attachment's file
    address (None if the export lacks it), for galleries."""
    content = LONE_ADDRESS.sub(lambda m: embed(m.group(1)), content or "")
    return Expander(content, attachment_url).expand()


def embed(url, label=""):
    url = html.escape(url.strip(), quote=True)
    return f'<{EMBED} href="{url}">{html.escape(label) or url}</{EMBED}>'


def unmapped(name, original):
    return unmapped_element(f"Shortcode [{name}]: Clarion has no equivalent", original)


class Expander:
    def __init__(self, content, attachment_url):
        self.content = content
        self.attachment_url = attachment_url

    def is_shortcode(self, match):
        closing, name, attributes = match.groups()
        if closing:
            return False
        return name in KNOWN or "=" in attributes or f"[/{name}]" in self.content[match.end() :]

    def expand(self):
        out, position = [], 0
        text = self.content
        for match in SHORTCODE.finditer(text):
            if match.start() < position or not self.is_shortcode(match):
                continue
            name, attributes = match.group(2), parse_attributes(match.group(3))
            end, inner = match.end(), None
            close = text.find(f"[/{name}]", match.end())
            if close != -1:  # an enclosing shortcode: [name …]what it holds[/name]
                inner, end = text[match.end() : close], close + len(f"[/{name}]")
            out.append(text[position : match.start()])
            out.append(self.replace(name, attributes, inner, text[match.start() : end]))
            position = end
        out.append(text[position:])
        return "".join(out)

    def replace(self, name, attributes, inner, original):
        if name in {"caption", "wp_caption"}:
            return caption(attributes, inner or "")
        if name == "gallery":
            return self.gallery(attributes, original)
        if name in EMBEDS and inner and EMBED in inner:
            return inner  # its address stood on a line of its own: already a link
        if name in EMBEDS:
            url = (
                attributes.get("src")
                or attributes.get("url")
                or next(
                    (attributes[k] for k in ("mp4", "webm", "mp3", "ogg") if k in attributes), ""
                )
                or attributes.get("0", "")
                or (inner or "").strip()
            )
            if url.startswith(("http://", "https://", "/")):
                return embed(url)
        return unmapped(name, original)

    def gallery(self, attributes, original):
        ids = [part.strip() for part in attributes.get("ids", "").split(",") if part.strip()]
        urls = [self.attachment_url(i) for i in ids]
        if not ids or None in urls:
            return unmapped("gallery", original)
        figures = (f'<figure><img src="{html.escape(url, quote=True)}"></figure>' for url in urls)
        return "".join(figures)


def caption(attributes, inner):
    """`[caption]<img …> The caption[/caption]` (or caption="…") as a figure."""
    picture = re.search(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", inner)
    if picture is None:
        return inner
    text = (inner[: picture.start()] + inner[picture.end() :]).strip()
    text = text or attributes.get("caption", "")
    return f"<figure>{picture.group(0)}<figcaption>{text}</figcaption></figure>"
