"""Ghost's cards as readers and editors see them, whether the export carries Ghost's HTML
for them or only its editor's JSON: the ones Clarion has an equivalent for become its
blocks, the rest an "Imported: needs an editor" block whose text readers never see — and
one odd card never stops an import."""

import json

import pytest
from bs4 import BeautifulSoup

from clarion.importers.body import body_blocks
from clarion.importers.ghost import read_ghost
from clarion.importers.ghost_markup import expand
from clarion.importers.records import Item

from .ghost_files import element, export, lexical, mobiledoc, post, text
from .running import write

MISSING = "A picture not found in the media folder: add it, or delete this block"


def find_image(src, title):
    """The media folder holds the pictures whose names say "ok"."""
    return 7 if "ok" in src else None


def blocks(markup):
    body = body_blocks(markup, find_image)
    return [(block["type"], block["value"]) for block in body.blocks], body


def picture(caption=""):
    return ("image", {"image": 7, "caption": caption, "credit": ""})


# Ghost's HTML -------------------------------------------------------------------------------

BOOKMARK = (
    '<figure class="kg-card kg-bookmark-card kg-card-hascaption">'
    '<a class="kg-bookmark-container" href="https://gazette.example/tram-fares">'
    '<div class="kg-bookmark-content"><div class="kg-bookmark-title">Tram fares &amp; the '
    'council</div><div class="kg-bookmark-description">Why the fare rose twice.</div>'
    '<div class="kg-bookmark-metadata"><img class="kg-bookmark-icon" '
    'src="https://gazette.example/icon.png" alt=""><span class="kg-bookmark-author">'
    'The Gazette</span></div></div><div class="kg-bookmark-thumbnail">'
    '<img src="https://gazette.example/thumb.jpg" alt=""></div></a>'
    "<figcaption>Worth a <b>read</b></figcaption></figure>"
)


def test_a_bookmark_is_a_link_with_its_title_and_no_picture_of_the_other_site():
    found, body = blocks(expand(BOOKMARK))
    assert found == [
        ("paragraph", '<p><a href="https://gazette.example/tram-fares">Tram fares &amp; the '
                      "council</a><br/>Why the fare rose twice.</p><p>Worth a <b>read</b></p>"),
    ]  # fmt: skip
    assert body.missing_media == [] and body.unmapped == []


def test_callout_toggle_button_and_header_cards_become_their_text():
    found, body = blocks(expand(
        '<div class="kg-card kg-callout-card kg-callout-card-grey"><div class="kg-callout-emoji">'
        '💡</div><div class="kg-callout-text">Bring a <b>flask</b></div></div>'
        '<div class="kg-card kg-toggle-card" data-kg-toggle-state="close">'
        '<div class="kg-toggle-heading"><h4 class="kg-toggle-heading-text">Where do we meet?</h4>'
        '<button class="kg-toggle-card-icon" aria-label="Expand toggle">Open<svg viewBox="0 0 2 2">'
        '<path d="M0,0"></path></svg></button></div><div class="kg-toggle-content"><p>At the '
        "depot gate.</p></div></div>"
        '<div class="kg-card kg-button-card kg-align-center"><a href="https://lantern.example/join"'
        ' class="kg-btn kg-btn-accent">Join the union</a></div>'
        '<div class="kg-card kg-header-card kg-width-full kg-size-small kg-style-dark">'
        '<h2 class="kg-header-card-header">Strike diary</h2><h3 class="kg-header-card-subheader">'
        "Day nine</h3></div>"
        '<div class="kg-card kg-header-card kg-v2 kg-width-full"><picture><img '
        'class="kg-header-card-image" src="/content/images/ok-banner.jpg" alt=""></picture>'
        '<div class="kg-header-card-content"><div class="kg-header-card-text">'
        '<h2 class="kg-header-card-heading">Winter appeal</h2><p class="kg-header-card-subheading">'
        'Every bit helps</p><a href="https://lantern.example/give" class="kg-header-card-button">'
        "Give</a></div></div></div>"
    ))  # fmt: skip
    assert found == [
        ("paragraph", "<p>Bring a <b>flask</b></p>"),  # the emoji is decoration
        ("crosshead", "Where do we meet?"),  # not "Open": the toggle's button is gone
        ("paragraph", '<p>At the depot gate.</p><p><a href="https://lantern.example/join">'
                      "Join the union</a></p>"),
        ("crosshead", "Strike diary"),
        ("paragraph", "<p>Day nine</p>"),
        picture(),
        ("crosshead", "Winter appeal"),
        ("paragraph", '<p>Every bit helps</p><p><a href="https://lantern.example/give">Give</a>'
                      "</p>"),
    ]  # fmt: skip
    assert body.unmapped == []


def test_picture_gallery_embed_code_and_quote_cards_are_read_as_html_is():
    found, body = blocks(expand(
        '<figure class="kg-card kg-image-card kg-card-hascaption"><img src="/content/images/ok.jpg"'
        ' class="kg-image" alt="Pickets"><figcaption><span style="white-space: pre-wrap;">At dawn'
        "</span></figcaption></figure>"
        '<figure class="kg-card kg-gallery-card kg-width-wide kg-card-hascaption">'
        '<div class="kg-gallery-container"><div class="kg-gallery-row">'
        '<div class="kg-gallery-image">'
        '<img src="/content/images/ok1.jpg" alt=""></div><div class="kg-gallery-image">'
        '<img src="/content/images/gone.jpg" alt=""></div></div></div>'
        "<figcaption>The march</figcaption></figure>"
        '<figure class="kg-card kg-embed-card"><iframe src="https://video.example/embed/5">'
        "</iframe></figure>"
        '<!--kg-card-begin: html--><figure class="kg-card kg-code-card"><pre><code '
        'class="language-text">a &lt; b</code></pre></figure><!--kg-card-end: html-->'
        '<!--members-only--><blockquote class="kg-blockquote-alt">Not one step back</blockquote>'
    ))  # fmt: skip
    assert found == [
        picture("At dawn"),
        picture(),
        ("imported", {"reason": MISSING, "source": "/content/images/gone.jpg"}),
        ("paragraph", "<p>The march</p>"
                      '<p><a href="https://video.example/embed/5">https://video.example/embed/5</a>'
                      "</p><p>a &lt; b</p>"),
        ("quote", {"text": "Not one step back", "attribution": ""}),
    ]  # fmt: skip
    assert body.embeds == 1 and body.unmapped == []


SIGNUP = (
    '<div class="kg-card kg-signup-card kg-width-wide"><div class="kg-signup-card-content">'
    '<h2 class="kg-signup-card-heading">Get the bulletin</h2><form class="kg-signup-card-form" '
    'data-members-form="signup"><input type="email" required><button type="submit">Subscribe'
    "</button></form></div></div>"
)


@pytest.mark.parametrize(
    "name, card",
    [
        ("signup", SIGNUP),
        ("video", '<figure class="kg-card kg-video-card"><div class="kg-video-container"><video '
                  'src="/content/media/rally.mp4"></video></div><figcaption>Get the bulletin'
                  "</figcaption></figure>"),
        ("audio", '<div class="kg-card kg-audio-card"><img src="/content/images/ok-cover.jpg" '
                  'class="kg-audio-thumbnail"><div class="kg-audio-title">Get the bulletin</div>'
                  '<audio src="/content/media/talk.mp3"></audio></div>'),
        ("file", '<div class="kg-card kg-file-card"><a class="kg-file-card-container" '
                 'href="/content/files/minutes.pdf"><div class="kg-file-card-title">Get the '
                 "bulletin</div></a></div>"),
        ("product", '<div class="kg-card kg-product-card"><div class="kg-product-card-container">'
                    '<h4 class="kg-product-card-title">Get the bulletin</h4></div></div>'),
        ("nft", '<figure class="kg-card kg-nft-card"><a class="kg-nft-card-container" '
                'href="https://market.example/1"><h4 class="kg-nft-title">Get the bulletin</h4>'
                "</a></figure>"),
        ("poll", '<div class="kg-card kg-poll-card"><p>Get the bulletin</p></div>'),
        ("bookmark", '<figure class="kg-card kg-bookmark-card"><div class="kg-bookmark-title">'
                     "Get the bulletin</div></figure>"),  # no link: nothing to point at
    ],
)  # fmt: skip
def test_cards_clarion_cannot_show_are_kept_whole_for_an_editor(name, card):
    found, body = blocks(expand(f"<p>Before.</p>{card}<p>After.</p>"))
    reason = f"Ghost card: {name}"
    assert found == [
        ("paragraph", "<p>Before.</p>"),
        ("imported", {"reason": reason, "source": str(BeautifulSoup(card, "html.parser"))}),
        ("paragraph", "<p>After.</p>"),  # "Get the bulletin" reached no reader
    ]
    assert body.unmapped == [reason] and body.missing_media == []


def test_html_without_cards_is_left_as_it_was():
    markup = '<h2>Pay</h2><p>Plain <b>text</b> and <a href="/x?a=1&amp;b=2">a link</a>.</p>'
    assert expand(markup) == markup and expand("") == ""


# Ghost's editor JSON, for a post without HTML -------------------------------------------------


def read_post(tmp_path, version="5.80.0", **fields):
    """The one post of an export, as the Ghost reader gives it."""
    path = write(tmp_path, export([post("p1", html=None, **fields)], version=version), "e.json")
    (item,) = (record for record in read_ghost(path) if isinstance(record, Item))
    return item


def around(card):
    return lexical(
        element("paragraph", text("Before.")), card, element("paragraph", text("After."))
    )


@pytest.mark.parametrize(
    "card",
    [
        {"type": "gallery", "caption": "No pictures listed"},
        {"type": "gallery", "images": "/content/images/ok.jpg"},
        {"type": "gallery", "images": [{"src": "/content/images/ok.jpg"}, "/content/images/2.jpg"]},
        {"type": "image", "src": 42},
        {"type": "embed", "html": "<iframe></iframe>"},
        {"type": "bookmark", "url": None, "metadata": {"title": "Tram fares"}},
    ],
)
def test_a_card_too_odd_to_render_is_kept_for_an_editor_and_the_export_still_reads(tmp_path, card):
    found, body = blocks(read_post(tmp_path, lexical=around(card)).content)
    reason = f"Ghost card: {card['type']}"
    assert found == [
        ("paragraph", "<p>Before.</p>"),
        ("imported", {"reason": reason, "source": json.dumps(card, ensure_ascii=False)}),
        ("paragraph", "<p>After.</p>"),
    ]
    assert body.unmapped == [reason]


def test_an_odd_mobiledoc_card_is_kept_for_an_editor_too(tmp_path):
    document = mobiledoc(
        cards=[["image", {"src": ["/content/images/ok.jpg"]}]],
        sections=[[1, "p", [[0, [], 0, "Before."]]], [10, 0], [2, None]],
    )
    found, body = blocks(read_post(tmp_path, version="4.2.0", mobiledoc=document).content)
    assert [block[0] for block in found] == ["paragraph", "imported", "imported"]
    assert body.unmapped == ["Ghost card: image", "Ghost card: image"]


def test_a_bookmark_reads_the_same_from_ghosts_html_and_from_its_editor_json(tmp_path):
    card = {"type": "bookmark", "url": "https://gazette.example/tram-fares",
            "caption": "Worth a <b>read</b>",
            "metadata": {"title": "Tram fares & the council", "description":
                         "Why the fare rose twice.", "icon": "https://gazette.example/icon.png",
                         "thumbnail": "https://gazette.example/thumb.jpg"}}  # fmt: skip
    from_json, _ = blocks(read_post(tmp_path, lexical=lexical(card)).content)
    assert from_json == blocks(expand(BOOKMARK))[0]
