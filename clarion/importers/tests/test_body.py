"""A post's body as readers and editors see it: a picture, a player, a table or a shortcode
Clarion cannot show becomes a block of its own wherever it stood — in a list, a quote, a
heading — never text shown to readers, never lost; a gallery keeps every caption."""

import pytest

from clarion.importers.body import body_blocks
from clarion.importers.wordpress_markup import expand

FORM = "Shortcode [contact-form-7]: Clarion has no equivalent"
TABLE = "A table: Clarion has no table block; redo it as text, a fact box or a picture"
MISSING = "A picture not found in the media folder: add it, or delete this block"
PLAYER = "https://video.example/embed/x"


def find_image(src, title):
    """The media folder holds the pictures whose names say "ok"."""
    return 7 if "ok" in src else None


def body(markup):
    return body_blocks(expand(markup, lambda attachment_id: None), find_image, line_breaks=True)


def blocks(markup):
    return [(block["type"], block["value"]) for block in body(markup).blocks]


def picture(caption=""):
    return ("image", {"image": 7, "caption": caption, "credit": ""})


def test_what_a_list_held_besides_text_follows_it_as_blocks():
    found = body(
        '<ul><li>Sign up: [contact-form-7 id="4"]</li><li><img src="/ok.jpg"> pic</li>'
        f'<li><iframe src="{PLAYER}"></iframe></li><li><img src="/gone.jpg"></li></ul>'
    )
    assert [(block["type"], block["value"]) for block in found.blocks] == [
        ("paragraph", "<ul><li>Sign up:</li><li>pic</li></ul>"),  # no raw shortcode, no <li></li>
        ("imported", {"reason": FORM, "source": '[contact-form-7 id="4"]'}),
        picture(),
        ("paragraph", f'<p><a href="{PLAYER}">{PLAYER}</a></p>'),
        ("imported", {"reason": MISSING, "source": "/gone.jpg"}),
    ]
    assert (found.unmapped, found.missing_media, found.embeds) == ([FORM], ["/gone.jpg"], 1)


HELD = (
    '[contact-form-7 id="4"] <a href="/large.jpg"><img src="/ok.jpg"></a> '
    '<figure><img src="/ok2.jpg"><figcaption>Pickets</figcaption></figure> '
    f'<iframe src="{PLAYER}"></iframe> <table><tr><td>9</td></tr></table>'
)


@pytest.mark.parametrize(
    "markup, container",
    [
        (f"<ol><li>First</li><li>Sign up: {HELD}</li></ol>",
         ("paragraph", "<ol><li>First</li><li>Sign up:</li></ol>")),
        (f"<ul><li>First<ul><li>Sign up: {HELD}</li></ul></li></ul>",
         ("paragraph", "<ul><li>First<ul><li>Sign up:</li></ul></li></ul>")),
        (f"<blockquote><p>Sign up: {HELD}</p><cite>Ada Vell</cite></blockquote>",
         ("quote", {"text": "Sign up:", "attribution": "Ada Vell"})),
        (f"<h2>Sign up: {HELD}</h2>", ("crosshead", "Sign up:")),
    ],
)  # fmt: skip
def test_lists_quotes_and_headings_are_followed_by_what_they_held(markup, container):
    found = body(markup)
    assert [(block["type"], block["value"]) for block in found.blocks] == [
        container,
        ("imported", {"reason": FORM, "source": '[contact-form-7 id="4"]'}),
        picture(),
        picture("Pickets"),
        ("paragraph", f'<p><a href="{PLAYER}">{PLAYER}</a></p>'),
        (
            "imported",
            {"reason": TABLE, "source": "<table><tbody><tr><td>9</td></tr></tbody></table>"},
        ),
    ]
    assert found.unmapped == [FORM, TABLE] and found.embeds == 1


def test_a_list_of_nothing_but_pictures_leaves_no_empty_paragraph():
    assert blocks('<ul><li><img src="/ok.jpg"></li><li><img src="/ok2.jpg"></li></ul>') == [
        picture(),
        picture(),
    ]


@pytest.mark.parametrize(
    "gallery",
    [
        '<figure class="wp-block-gallery has-nested-images">'
        '<figure class="wp-block-image"><img src="/ok1.jpg"><figcaption>One</figcaption></figure>'
        '<figure class="wp-block-image"><img src="/ok2.jpg"><figcaption>Two</figcaption></figure>'
        '<figcaption class="blocks-gallery-caption">The gallery</figcaption></figure>',
        '<figure class="wp-block-gallery"><ul class="blocks-gallery-grid">'
        '<li class="blocks-gallery-item"><figure><a href="/ok1-large.jpg"><img src="/ok1.jpg">'
        "</a><figcaption>One</figcaption></figure></li>"
        '<li class="blocks-gallery-item"><figure><img src="/ok2.jpg">'
        "<figcaption>Two</figcaption></figure></li></ul>"
        '<figcaption class="blocks-gallery-caption">The gallery</figcaption></figure>',
    ],
)
def test_each_picture_of_a_gallery_keeps_its_own_caption_and_the_gallery_its_own(gallery):
    assert blocks(gallery) == [
        picture("One"),
        picture("Two"),
        ("paragraph", "<p>The gallery</p>"),
    ]


def test_a_figure_of_several_pictures_keeps_its_caption_once_and_of_one_as_its_caption():
    assert blocks('<figure><img src="/ok1.jpg"><img src="/ok2.jpg"><figcaption>Both</figcaption>'
                  '</figure><figure><a href="/x"><img src="/ok3.jpg"></a><figcaption>Just one'
                  "</figcaption></figure>") == [
        picture(), picture(), ("paragraph", "<p>Both</p>"), picture("Just one"),
    ]  # fmt: skip
