"""Ghost's HTML for its editor's cards, made plain for the body converter.

A Ghost export carries each post as Ghost rendered it, each card a `kg-…-card` element.
Pictures, galleries, embeds and code are plain HTML already and are left as they are; a
bookmark becomes a link (the other site's icon and thumbnail are not the paper's pictures),
a callout, toggle or header its text, a button its link; any other card (a signup form, a
video, a product…) is passed on as unmapped, whole, for an editor. This runs before the HTML
is sanitised, as the classes that tell the cards apart do not survive it."""

import re

from bs4 import BeautifulSoup

from .ghost_cards import bookmark_html, unmapped_card

CARD_CLASS = re.compile(r"kg-([a-z0-9-]+)-card")
LEFT_AS_THEY_ARE = {"image", "gallery", "embed", "code"}


def expand(markup: str) -> str:
    """`markup` with Ghost's cards rewritten as plain HTML, or as unmapped content."""
    soup = BeautifulSoup(markup or "", "html.parser")
    for card in soup.find_all(card_name):
        name = card_name(card)
        if card.decomposed or name in LEFT_AS_THEY_ARE:  # decomposed: in a card rewritten
            continue
        rewritten = REWRITES[name](card) if name in REWRITES else None
        replacement = rewritten or unmapped_card(name, str(card))  # also one it cannot rewrite
        card.replace_with(BeautifulSoup(replacement, "html.parser"))
        card.decompose()
    return str(soup)


def card_name(tag):
    """'bookmark' of an element of class kg-bookmark-card; None if it is no card."""
    matches = (CARD_CLASS.fullmatch(name) for name in tag.get("class") or ())
    return next((match.group(1) for match in matches if match), None)


def text_in(card, class_name):
    found = card.find(class_=class_name)
    return " ".join(found.get_text(" ").split()) if found else ""


def bookmark(card):
    link, caption = card.find("a", href=True), card.find("figcaption")
    if link is None:
        return None
    title, description = (text_in(card, f"kg-bookmark-{part}") for part in ("title", "description"))
    return bookmark_html(
        link["href"], title, description, caption.decode_contents() if caption else ""
    )


def button(card):
    link = card.find("a", href=True)
    return f"<p>{link}</p>" if link else None


def without(*class_names):
    """A card kept as it is but for its decoration (an emoji, an icon button): its text
    reads as paragraphs and headings."""

    def rewrite(card):
        for found in card.find_all(class_=class_names):
            found.decompose()
        return str(card)

    return rewrite


def header(card):
    """Its heading a crosshead, its subheading (a heading itself in Ghost's first header
    card) a paragraph, its button a link; its background picture stays a picture."""
    for found in card.find_all(class_=("kg-header-card-subheader", "kg-header-card-subheading")):
        found.name = "p"
    return str(card)


REWRITES = {
    "bookmark": bookmark,
    "button": button,
    "callout": without("kg-callout-emoji"),
    "toggle": without("kg-toggle-card-icon"),
    "header": header,
}
