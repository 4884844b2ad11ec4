"""Reading WordPress exports: what a real export holds comes out in order, item by item,
and a file that is not a complete WordPress export stops at once with where and why."""

import tracemalloc

import pytest

from clarion.importers.wxr import Author, Channel, Item, Term, WXRError, read_wxr

from .running import write
from .wxr_files import export, post


def records(tmp_path, text):
    return list(read_wxr(write(tmp_path, text, "export.xml")))


def test_an_export_reads_as_its_site_authors_terms_and_items(tmp_path):
    text = export(
        post(11, content='<p>Hello</p>[gallery ids="1,2"]<script>alert(1)</script>',
             excerpt="The short version", sticky=1, comments=2),
        post(12, status="draft", gmt="0000-00-00 00:00:00"),
        post(13, status="future", gmt="2027-01-01 08:00:00"),
        post(14, status="private"),
        post(15, post_type="page", slug="about"),
    )  # fmt: skip
    found = records(tmp_path, text)
    channel, author, world, asia, tag, *items = found
    assert channel == Channel(
        title="The Lantern",
        link="https://lantern.example",
        base_url="https://lantern.example",
        language="en-GB",
        version="1.2",
    )
    assert author == Author("2", "ostrova", "ostrova@lantern.example", "Mira Ostrova", "Mira",
                            "Ostrova")  # fmt: skip
    assert (world.slug, asia.slug, asia.parent_slug) == ("world", "central-asia", "world")
    assert isinstance(tag, Term) and tag.kind == "tag" and tag.name == "Забастовка"
    assert [type(record) for record in items] == [Item] * 5
    first = items[0]
    assert (first.id, first.title, first.slug, first.author_logins) == (
        "11", "Strikers hold the line", "post-11", ["ostrova"]
    )  # fmt: skip
    assert first.content == '<p>Hello</p>[gallery ids="1,2"]<script>alert(1)</script>'
    assert first.excerpt == "The short version" and first.sticky and first.comments == 2
    assert first.date.isoformat() == "2026-03-03T09:30:00+00:00"
    assert first.categories == [("central-asia", "Central Asia")]
    assert first.tags[0][1] == "Забастовка"
    assert first.meta == {"_thumbnail_id": "90"}
    assert first.line > 0 and first.link == "https://lantern.example/post-11/"
    assert [(i.status, i.post_type) for i in items[1:]] == [
        ("draft", "post"), ("future", "post"), ("private", "post"), ("publish", "page")
    ]  # fmt: skip
    assert items[1].date is None  # never published
    assert items[2].date.year == 2027


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_reads(tmp_path, version):
    text = export(post(1), version=version).replace("export/1.2/", f"export/{version}/")
    assert [type(r) for r in records(tmp_path, text)][-1] is Item


@pytest.mark.parametrize(
    "text, message",
    [
        ("this is a spreadsheet, not XML", "line 1, column 0: this is not XML"),
        ("", "the file ends too soon"),
        ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
         "not a WordPress export: the file is <feed>"),
        ('<rss version="2.0"><channel><title>A blog</title><item><title>x</title></item>'
         "</channel></rss>", "no <wp:wxr_version>"),
        (export(post(1), version="9.9"), "WXR version '9.9' is not one this importer reads"),
        (export(post(1)).replace("<wp:post_id>1</wp:post_id>", ""), "an item has no wp:post_id"),
        (export(post(1, gmt="yesterday")), "post_date_gmt 'yesterday' is not a date"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_wordpress_export_says_why(tmp_path, text, message):
    with pytest.raises(WXRError, match=message.replace("(", r"\(").replace(")", r"\)")):
        records(tmp_path, text)


@pytest.mark.parametrize("where", ["<wp:post_id>2", "Strikers hold"])  # between tags, in text
def test_a_file_cut_short_names_the_line_where_it_ends(tmp_path, where):
    text = export(post(1), post(2))
    cut = text[: text.rindex(where) + 3]
    with pytest.raises(WXRError, match=r"line \d+, column \d+: the file ends too soon"):
        records(tmp_path, cut)
    # read item by item, the first item came out before the end was found: that is why
    # the importer checks a whole file before it changes anything
    found = []
    with pytest.raises(WXRError):
        for record in read_wxr(write(tmp_path, cut, "cut.xml")):
            found.append(record)
    assert [r.id for r in found if isinstance(r, Item)] == ["1"]


def test_entity_tricks_are_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<rss><channel>&b;</channel></rss>"
    )
    with pytest.raises(WXRError, match="refused"):
        records(tmp_path, bomb)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(WXRError, match="cannot be read"):
        list(read_wxr(tmp_path / "nowhere.xml"))


def test_a_large_export_is_read_in_constant_memory(tmp_path):
    """Items are let go as they are read: memory does not grow with the file."""

    def peak_reading(items, words):
        body = "<p>" + "Words of an article. " * words + "</p>"
        path = tmp_path / f"large-{items}.xml"
        with path.open("w", encoding="utf-8") as out:
            head, tail = export("@@ITEMS@@").split("@@ITEMS@@")
            out.write(head)
            for n in range(1, items + 1):
                out.write(post(n, content=body))
            out.write(tail)
        tracemalloc.start()
        count = sum(1 for record in read_wxr(path) if isinstance(record, Item))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == items
        return path.stat().st_size, peak

    size, peak = peak_reading(5_000, words=200)
    assert size > 20_000_000
    assert peak < 2_000_000, f"peak {peak:,} bytes while reading {size:,}"
    few, many = peak_reading(1_000, words=5)[1], peak_reading(8_000, words=5)[1]
    assert many < few + 100_000, f"{few:,} bytes for 1,000 items but {many:,} for 8,000"
