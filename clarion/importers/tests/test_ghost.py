"""Reading Ghost exports: the same records as a WordPress export, whatever Ghost version
(4, 5 or 6) or editor (Lexical, mobiledoc) wrote them; and a file that is not a Ghost export
this reader knows stops before the first record, with where and why."""

import datetime
import re

import pytest

from clarion.importers.ghost import GhostError, read_ghost
from clarion.importers.records import Author, Channel, Item, Term

from .ghost_files import element, export, lexical, mobiledoc, post, text
from .running import write


def records(tmp_path, content):
    return list(read_ghost(write(tmp_path, content, "export.json")))


def items(tmp_path, *posts, **options):
    return [r for r in records(tmp_path, export(posts, **options)) if isinstance(r, Item)]


def only(tmp_path, one_post, **options):
    (item,) = items(tmp_path, one_post, **options)
    return item


def refused(tmp_path, content, message):
    with pytest.raises(GhostError, match=re.escape(message)) as raised:
        records(tmp_path, content)
    return str(raised.value)


def test_an_export_reads_as_its_site_authors_tags_and_items(tmp_path):
    content = export(
        [post("p1", custom_excerpt="The short version", feature_image="https://cdn.example/a.jpg"),
         post("p2", type="page", slug="about", title="About us")],
        posts_tags=[{"post_id": "p1", "tag_id": "t2", "sort_order": 0}],
        posts_meta=[{"post_id": "p1", "feature_image_caption": "Pickets at <b>gate 4</b>",
                     "feature_image_alt": "A picket line"}],
    )  # fmt: skip
    channel, mira, tomas, strike, housing, first, page = records(tmp_path, content)
    assert channel == Channel(title="The Lantern", language="en-GB", version="5.80.0")
    assert mira == Author(
        id="u1", login="mira", email="mira@lantern.example", display_name="Mira Ostrova",
        bio="Covers the docks.", photo_url="/content/images/mira.jpg",
    )  # fmt: skip
    assert tomas.login == "tomas" and tomas.bio == "" and tomas.photo_url == ""
    assert housing == Term(kind="tag", id="t2", slug="housing", name="Housing")
    assert strike.description == "Strikes"
    assert first == Item(
        id="p1", post_type="post", title="Dockers walk out at dawn", slug="post-p1",
        link="/post-p1/", guid="0000-p1", status="publish", author_logins=["mira"],
        content="<p>First paragraph.</p>", excerpt="The short version",
        date=datetime.datetime(2026, 3, 3, 9, 30, tzinfo=datetime.UTC),
        local_date="2026-03-03T09:30:00.000Z", featured_image_url="https://cdn.example/a.jpg",
        featured_image_caption="Pickets at <b>gate 4</b>", tags=[("housing", "Housing")],
        meta={"feature_image_alt": "A picket line"},
    )  # fmt: skip
    assert (page.post_type, page.slug, page.link, page.title) == (
        "page", "about", "/about/", "About us"
    )  # fmt: skip


@pytest.mark.parametrize("version", ["4.48.9", "5.80.0", "6.0.2"])
def test_ghost_4_5_and_6_exports_read(tmp_path, version):
    channel, *_rest, item = records(tmp_path, export([post("p1")], version=version))
    assert channel.version == version and item.id == "p1"


def test_the_older_shape_without_db_and_with_page_flags_reads(tmp_path):
    old = {k: v for k, v in post("p1").items() if k != "type"}
    found = items(tmp_path, old, {**old, "id": "p2", "page": True}, {**old, "id": "p3",
                  "page": 0, "featured": 1}, shape="old", version="4.0.0")  # fmt: skip
    assert [(i.id, i.post_type, i.sticky) for i in found] == [
        ("p1", "post", False), ("p2", "page", False), ("p3", "post", True)
    ]  # fmt: skip


@pytest.mark.parametrize("version", ["3.42.0", "7.0.0", "003"])
def test_an_unknown_ghost_version_is_refused_by_name(tmp_path, version):
    message = refused(tmp_path, export([post("p1")], version=version), f"'{version}'")
    assert "db[0].meta.version" in message and "4.x, 5.x, 6.x" in message


def test_an_export_without_a_version_is_refused(tmp_path):
    content = export([post("p1")]).replace('"version": "5.80.0"', '"other": 1')
    refused(tmp_path, content, "db[0].meta.version is missing")


@pytest.mark.parametrize(
    "content, message",
    [
        ("title,slug\nA post,a-post\n", "line 1, column 1: this is not JSON"),
        ('{"db": [{"meta": {}\n  "data": {}}]}', "line 2, column 3: this is not JSON"),
        ("", "the file ends too soon"),
        ('{"posts": [{"id": 1}]}', "not a Ghost export"),
        ("[1, 2, 3]", "not a Ghost export"),
        ('{"db": []}', "not a Ghost export"),
        ('{"db": [{"meta": {"version": "5.0.0"}}]}', "not a Ghost export"),
    ],
)
def test_a_file_that_is_not_a_ghost_export_says_why(tmp_path, content, message):
    said = refused(tmp_path, content, message)
    assert said.startswith(str(tmp_path / "export.json"))
    if "not a Ghost export" in message:
        assert "Settings → Labs (or Advanced) → Export" in said


@pytest.mark.parametrize("cut", ["string", "value"])
def test_a_file_cut_short_says_so_with_its_last_line(tmp_path, cut):
    content = export([post("p1"), post("p2")])
    end = content.index('"Dockers walk', content.index('"p2"'))
    content = content[: end + 5] if cut == "string" else content[:end]
    message = refused(tmp_path, content, "the file ends too soon (cut short while copying?)")
    assert re.search(r"line \d+, column \d+", message)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(GhostError, match=r"nowhere\.json: cannot be read \(No such file"):
        list(read_ghost(tmp_path / "nowhere.json"))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"published_at": "yesterday"},
         'db[0].data.posts[1].published_at: "yesterday" is not an ISO date'),
        ({"title": 42}, "db[0].data.posts[1].title: 42 is not a string"),
        ({"featured": "yes"}, 'db[0].data.posts[1].featured: "yes" is not true or false'),
        ({"id": None}, "db[0].data.posts[1] has no id"),
        ({"status": "archived"}, "db[0].data.posts[1].status: 'archived' is not one of"),
        ({"type": "product"}, "db[0].data.posts[1].type: 'product' is neither post nor page"),
        ({"html": None, "lexical": '{"root": '}, "db[0].data.posts[1].lexical: not JSON"),
        ({"html": None, "mobiledoc": "[]"}, "db[0].data.posts[1].mobiledoc: not a mobiledoc"),
    ],
)  # fmt: skip
def test_a_post_with_a_bad_field_is_refused_by_its_path_before_any_record(
    tmp_path, fields, message
):
    path = write(tmp_path, export([post("p1"), {**post("p2"), **fields}, post("p3")]), "e.json")
    found = []
    with pytest.raises(GhostError, match=re.escape(f"{path}: {message}")):
        for record in read_ghost(path):
            found.append(record)
    assert found == []  # the whole file is checked first: not even the Channel came out


def test_a_bad_field_in_the_older_shape_names_its_path_without_db(tmp_path):
    content = export([post("p1", published_at=20260303)], shape="old")
    refused(tmp_path, content, "data.posts[0].published_at: 20260303 is not an ISO date")


def test_statuses_visibility_and_featured_map_to_the_records_words(tmp_path):
    found = items(
        tmp_path,
        post("p1", featured=True, visibility="members"),
        post("p2", status="draft", published_at=None, visibility="paid"),
        post("p3", status="scheduled", published_at="2027-01-01T08:00:00.000+02:00",
             visibility="tiers"),
        post("p4", status="sent"),
    )  # fmt: skip
    assert [(i.status, i.members_only, i.sticky) for i in found] == [
        ("publish", True, True), ("draft", True, False), ("future", True, False),
        ("draft", False, False),
    ]  # fmt: skip
    assert found[1].date is None and found[1].local_date == ""
    assert found[2].date == datetime.datetime(2027, 1, 1, 6, 0, tzinfo=datetime.UTC)
    assert found[2].local_date == "2027-01-01T08:00:00.000+02:00"
    assert found[3].meta == {"ghost_status": "sent"}  # an email-only newsletter
    assert found[0].meta == {}


def test_several_authors_come_in_their_sort_order(tmp_path):
    item = only(tmp_path, post("p1"), posts_authors=[
        {"post_id": "p1", "author_id": "u1", "sort_order": 1},
        {"post_id": "p1", "author_id": "u2", "sort_order": 0},
    ])  # fmt: skip
    assert item.author_logins == ["tomas", "mira"]


def test_an_old_post_names_its_author_on_itself(tmp_path):
    item = only(tmp_path, post("p1", author_id="u2"), posts_authors=[])
    assert item.author_logins == ["tomas"]


def test_tags_come_in_order_and_internal_ones_are_left_out(tmp_path):
    links = [{"post_id": "p1", "tag_id": tag, "sort_order": n}
             for n, tag in ((2, "t2"), (0, "t3"), (1, "t1"))]  # fmt: skip
    found = records(tmp_path, export([post("p1")], posts_tags=links))
    terms = [r for r in found if isinstance(r, Term)]
    assert [(t.slug, t.name) for t in terms] == [
        ("zabastovka", "Забастовка"),
        ("housing", "Housing"),
    ]
    assert found[-1].tags == [("zabastovka", "Забастовка"), ("housing", "Housing")]


def test_a_tag_named_with_a_hash_is_internal_whatever_its_visibility(tmp_path):
    tags = [{"id": "t9", "name": "#hidden", "slug": "hash-hidden", "visibility": "public"}]
    links = [{"post_id": "p1", "tag_id": "t9"}]
    found = records(tmp_path, export([post("p1")], tags=tags, posts_tags=links))
    assert not any(isinstance(r, Term) for r in found) and found[-1].tags == []


def test_ghosts_own_address_is_removed_from_every_url(tmp_path):
    item = only(
        tmp_path,
        post("p1", feature_image="__GHOST_URL__/content/images/2024/01/a.jpg",
             html='<p><a href="__GHOST_URL__/other/">More</a>'
                  '<img src="__GHOST_URL__/content/images/2024/01/b.jpg"></p>'),
        posts_meta=[{"post_id": "p1", "feature_image_caption":
                     '<a href="__GHOST_URL__/tag/x/">x</a>'}],
    )  # fmt: skip
    assert item.featured_image_url == "/content/images/2024/01/a.jpg"
    assert item.content == (
        '<p><a href="/other/">More</a><img src="/content/images/2024/01/b.jpg"></p>'
    )
    assert item.featured_image_caption == '<a href="/tag/x/">x</a>'


def test_html_is_preferred_to_the_editor_document(tmp_path):
    document = lexical(element("paragraph", text("From Lexical")))
    assert only(tmp_path, post("p1", lexical=document)).content == "<p>First paragraph.</p>"
    assert only(tmp_path, post("p1", html="", lexical=document)).content == "<p>From Lexical</p>"
    assert only(tmp_path, post("p1", html=None)).content == ""


def test_a_lexical_only_post_is_rendered(tmp_path):
    document = lexical(
        element("extended-heading", text("Night shift"), tag="h2"),
        element("paragraph", text("Plain, "), text("bold", 1), text(" and "),
                text("both & more", 3), {"type": "linebreak", "version": 1},
                element("link", text("the ballot"), url="https://union.example/?a=1&b=2"),
                text(" x", 16 | 64)),
        element("list", element("listitem", text("one")),
                element("listitem", text("two"),
                        element("list", element("listitem", text("two-a")), listType="number")),
                listType="bullet"),
        element("quote", text("Not one step back")),
        {"type": "horizontalrule", "version": 1},
        {"type": "image", "src": "__GHOST_URL__/content/images/c.jpg", "alt": "A crowd",
         "caption": "At the <i>gates</i>", "version": 1},
        {"type": "embed", "url": "https://video.example/v/1", "embedType": "video",
         "html": "<iframe></iframe>", "metadata": {"title": "The march"}},
        {"type": "embed", "url": "https://video.example/v/2", "metadata": {}},
        {"type": "signup", "header": "Join <us>", "version": 1},
    )  # fmt: skip
    assert only(tmp_path, post("p1", html=None, lexical=document)).content == (
        "<h2>Night shift</h2>"
        "<p>Plain, <strong>bold</strong> and <strong><em>both &amp; more</em></strong><br>"
        '<a href="https://union.example/?a=1&amp;b=2">the ballot</a><code><sup> x</sup></code></p>'
        "<ul><li>one</li><li>two<ol><li>two-a</li></ol></li></ul>"
        "<blockquote>Not one step back</blockquote><hr>"
        '<figure><img src="/content/images/c.jpg" alt="A crowd">'
        "<figcaption>At the <i>gates</i></figcaption></figure>"
        '<clarion-embed href="https://video.example/v/1">The march</clarion-embed>'
        '<clarion-embed href="https://video.example/v/2">https://video.example/v/2</clarion-embed>'
        '<clarion-unmapped reason="Ghost card: signup">{&quot;type&quot;: &quot;signup&quot;, '
        "&quot;header&quot;: &quot;Join &lt;us&gt;&quot;, &quot;version&quot;: 1}"
        "</clarion-unmapped>"
    )


def test_lexical_text_cards_render_as_html(tmp_path):
    document = lexical(
        {"type": "markdown", "markdown": "First *para*\n\n\nSecond <b>para</b>\n"},
        {"type": "html", "html": "<table><tr><td>1</td></tr></table>"},
        {"type": "bookmark", "url": "https://news.example/a", "metadata": {"title": "A & B"}},
        {"type": "gallery", "images": [{"src": "/1.jpg", "alt": ""},
                                       {"src": "/2.jpg", "caption": "Two"}]},
        {"type": "codeblock", "code": "if a < b:\n    pass", "language": "python"},
        {"type": "callout", "calloutText": "Bring a flask", "calloutEmoji": "💡"},
        {"type": "video", "src": "/v.mp4"},
    )  # fmt: skip
    content = only(tmp_path, post("p1", html=None, lexical=document)).content
    assert content.startswith(
        "<p>First *para*</p><p>Second &lt;b&gt;para&lt;/b&gt;</p>"
        "<table><tr><td>1</td></tr></table>"
        '<p><a href="https://news.example/a">A &amp; B</a></p>'
        '<figure><img src="/1.jpg" alt=""></figure>'
        '<figure><img src="/2.jpg" alt=""><figcaption>Two</figcaption></figure>'
        "<pre><code>if a &lt; b:\n    pass</code></pre>"
        "<p>Bring a flask</p>"
    )
    assert content.endswith('<clarion-unmapped reason="Ghost card: video">'
                            "{&quot;type&quot;: &quot;video&quot;, &quot;src&quot;: "
                            "&quot;/v.mp4&quot;}</clarion-unmapped>")  # fmt: skip


def test_a_mobiledoc_only_post_is_rendered(tmp_path):
    document = mobiledoc(
        markups=[["strong"], ["a", ["href", "https://union.example/join"]], ["em"]],
        atoms=[["soft-return", "", {}]],
        cards=[
            ["image", {"src": "__GHOST_URL__/content/images/m.jpg", "caption": "Rally"}],
            ["embed", {"url": "https://video.example/v/3", "metadata": {"title": "Speech"}}],
            ["hr", {}],
            ["code", {"code": "<b>"}],
            ["paywall", {}],
        ],
        sections=[
            [1, "h2", [[0, [], 0, "Strike & pay"]]],
            [1, "p", [[0, [], 0, "Read "], [0, [0, 1], 1, "this"], [0, [], 1, " now"],
                      [1, [], 0, 0], [0, [2], 1, "later"]]],
            [3, "ol", [[[0, [], 0, "first"]], [[0, [0], 1, "second"]]]],
            [1, "aside", [[0, [], 0, "Aside"]]],
            [2, "/content/images/old.jpg"],
            [10, 0], [10, 1], [10, 2], [10, 3], [10, 4],
        ],
    )  # fmt: skip
    assert only(tmp_path, post("p1", html=None, mobiledoc=document), version="4.2.0").content == (
        "<h2>Strike &amp; pay</h2>"
        '<p>Read <strong><a href="https://union.example/join">this</a> now</strong><br>'
        "<em>later</em></p>"
        "<ol><li>first</li><li><strong>second</strong></li></ol>"
        "<blockquote>Aside</blockquote>"
        '<figure><img src="/content/images/old.jpg" alt=""></figure>'
        '<figure><img src="/content/images/m.jpg" alt=""><figcaption>Rally</figcaption></figure>'
        '<clarion-embed href="https://video.example/v/3">Speech</clarion-embed>'
        "<hr><pre><code>&lt;b&gt;</code></pre>"
        '<clarion-unmapped reason="Ghost card: paywall">{&quot;type&quot;: &quot;paywall&quot;}'
        "</clarion-unmapped>"
    )


def test_pages_and_posts_keep_their_kinds(tmp_path):
    found = items(tmp_path, post("p1"), post("p2", type="page"), post("p3", type="post"))
    assert [i.post_type for i in found] == ["post", "page", "post"]


def test_the_language_may_be_ghost_4s_lang_setting(tmp_path):
    settings = [{"key": "title", "value": "Lantern"}, {"key": "lang", "value": "ru"}]
    channel = records(tmp_path, export([post("p1")], settings=settings))[0]
    assert (channel.title, channel.language, channel.link, channel.base_url) == (
        "Lantern", "ru", "", ""
    )  # fmt: skip
