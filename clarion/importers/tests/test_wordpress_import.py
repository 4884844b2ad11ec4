"""Moving a WordPress paper in: what its export holds becomes Clarion's articles, pages,
categories, topics, authors and pictures, every old address leads to its new page, a
second run changes only what changed, and a bad file or item is reported, not half-done."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction

from clarion.core.models import StandardPage
from clarion.home.models import HomePage
from clarion.importers.models import ImportedItem
from clarion.newsroom.models import Article, Author, Category, Topic

from .running import picture, run_import
from .wxr_files import STRIKE_TAG, attachment, export, post

pytestmark = pytest.mark.django_db

PICTURE = "2026/03/march.jpg"


@pytest.fixture
def media_dir(tmp_path):
    """A copy of the old site's wp-content/uploads holding one picture."""
    folder = tmp_path / "uploads"
    picture(folder, PICTURE)
    return folder


def run(tmp_path, text, media_dir=None):
    return run_import("import_wordpress", tmp_path, text, media_dir, name="export.xml")


def paper(changes=None):
    """A small paper: a sticky lead story with a picture, a draft, a scheduled and a
    private post, a page with a sub-page and the lead story's picture."""
    posts = {
        11: post(11, title="Strikers hold the line", excerpt="<p>The short <b>version</b></p>",
                 sticky=1, comments=2),
        12: post(12, title="Draft about the depot", status="draft", gmt="0000-00-00 00:00:00"),
        13: post(13, title="Next week's march", status="future", gmt="2099-01-01 08:00:00"),
        14: post(14, title="For editors only", status="private"),
        15: post(15, title="About the Lantern", post_type="page", slug="about", terms=[]),
        16: post(16, title="Our history", post_type="page", slug="history", parent=15, terms=[]),
        90: attachment(90, PICTURE, parent=11),
    }  # fmt: skip
    posts.update(changes or {})
    return export(*posts.values())


def test_posts_become_articles_with_their_status_filing_and_pictures(tmp_path, media_dir):
    output = run(tmp_path, paper(), media_dir)

    lead = Article.objects.get(title="Strikers hold the line")
    assert lead.live and lead.slug == "post-11"
    assert lead.date == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    assert lead.first_published_at == lead.date
    assert lead.standfirst == "The short version"
    assert lead.category.name == "Central Asia" and lead.category.parent.name == "World"
    assert [t.name for t in lead.get_topics()] == ["Забастовка"]
    assert Topic.objects.get(name="Забастовка").slug == "zabastovka"
    assert [a.name for a in lead.get_authors()] == ["Mira Ostrova"]
    assert lead.lead_image.width == 40 and lead.lead_image.title == "A picture"
    assert HomePage.objects.get().lead_story_id == lead.pk

    draft = Article.objects.get(title="Draft about the depot")
    assert not draft.live and draft.latest_revision is not None
    scheduled = Article.objects.get(title="Next week's march")
    assert not scheduled.live
    assert scheduled.latest_revision.approved_go_live_at == datetime(2099, 1, 1, 8, tzinfo=UTC)
    private = Article.objects.get(title="For editors only")
    restriction = PageViewRestriction.objects.get(page=private)
    assert restriction.restriction_type == "groups"
    assert {g.name for g in restriction.groups.all()} == {"Editors", "Moderators"}

    about = StandardPage.objects.get(title="About the Lantern")
    assert about.live and about.url == "/about/"
    assert StandardPage.objects.get(title="Our history").url == "/about/history/"
    assert Image.objects.count() == 1  # the featured picture and its attachment: one image

    assert "Comments skipped (Clarion does not import comments): 2" in output
    assert "Checking: 100%" in output  # the file read through before anything was written
    assert "Importing" in output and "12/12" in output  # the progress bar reached the end
    assert "post" in output and "Failed" not in output


def test_readers_see_the_published_ones_and_old_addresses_lead_to_them(tmp_path, client):
    run(tmp_path, paper())
    page = client.get("/news/post-11/")
    assert page.status_code == 200 and "Strikers hold the line" in page.text
    assert client.get("/news/post-12/").status_code == 404  # a draft
    assert client.get("/news/post-14/").status_code != 200  # private: staff only

    moved = {
        "/post-11/": "/news/post-11/",
        "/?p=11": "/news/post-11/",
        "/?page_id=15": "/about/",
        "/?attachment_id=90": "/news/post-11/",  # an attachment's page: its post
        f"/tag/{STRIKE_TAG}/": "/topics/zabastovka/",
        "/tag/забастовка/": "/topics/zabastovka/",
        "/category/world/central-asia/": "/category/central-asia/",
        "/author/ostrova/": "/authors/mira-ostrova/",
    }
    for old, new in moved.items():
        response = client.get(old)
        assert (response.status_code, response.headers.get("Location")) == (301, new), old
    assert client.get("/?p=999").status_code == 200  # an unknown id: just the home page


def test_category_pages_keep_the_hierarchy(tmp_path, client):
    run(tmp_path, paper())
    world = client.get("/category/world/").text
    assert 'href="/category/central-asia/"' in world  # its subcategory
    assert "Strikers hold the line" in world  # the subcategory's articles are the world's
    assert 'href="/category/world/"' in client.get("/category/central-asia/").text


def test_body_html_is_made_safe_and_what_cannot_be_mapped_is_kept_for_an_editor(
    tmp_path, media_dir, client
):
    content = (
        'Opening words <a href="javascript:alert(1)" onclick="steal()">here</a>.\n\n'
        '<p onmouseover="steal()">Second <em>paragraph</em>.<script>alert("x")</script></p>\n'
        "<h2>The demands</h2>\n"
        '[contact-form-7 id="4" title="Write to us"]\n'
        "https://video.example/watch?v=42\n"
        f'[caption id="attachment_90"]<img src="https://lantern.example/wp-content/uploads/'
        f'{PICTURE}" alt="Pickets"> Pickets at dawn[/caption]\n'
        '<img src="https://lantern.example/wp-content/uploads/2026/03/gone.jpg">\n'
        "Brackets [sic] stay as they are."
    )
    output = run(tmp_path, paper({11: post(11, content=content)}), media_dir)
    article = Article.objects.get(slug="post-11")
    kinds = [block.block_type for block in article.body]
    assert kinds == ["paragraph", "crosshead", "imported", "paragraph", "image", "imported",
                     "paragraph"]  # fmt: skip
    form, missing = (block.value for block in article.body if block.block_type == "imported")
    assert "contact-form-7" in form["reason"] and form["source"].startswith("[contact-form-7")
    assert missing["source"].endswith("gone.jpg")
    assert article.body[4].value["caption"] == "Pickets at dawn"

    page = client.get("/news/post-11/").text
    for unsafe in ("alert", "steal", "javascript:", "onclick", "onmouseover", "<script>"):
        assert unsafe not in page
    assert "<em>paragraph</em>" in page or "<i>paragraph</i>" in page
    assert 'href="https://video.example/watch?v=42"' in page  # the embed, as a link
    assert "[contact-form-7" not in page  # readers never see the raw shortcode
    assert "Brackets [sic] stay as they are." in page
    assert "gone.jpg: not in the media folder" in output
    assert "Needs an editor" in output and "post 11" in output
    assert ImportedItem.objects.get(kind="post", source_id="11").needs_editor


def test_the_editor_is_shown_the_content_that_needs_them(tmp_path, admin_client):
    run(tmp_path, paper({11: post(11, content="[gallery]\n\nText.")}))
    article = Article.objects.get(slug="post-11")
    page = admin_client.get(f"/admin/pages/{article.pk}/edit/").text
    assert "Imported: needs an editor" in page and "[gallery]" in page


def test_running_the_same_file_again_creates_nothing_twice(tmp_path, media_dir):
    run(tmp_path, paper(), media_dir)
    counts = [m.objects.count() for m in (Article, StandardPage, Category, Topic, Author, Image,
                                          Redirect)]  # fmt: skip
    output = run(tmp_path, paper(), media_dir)
    assert [m.objects.count() for m in (Article, StandardPage, Category, Topic, Author, Image,
                                        Redirect)] == counts  # fmt: skip
    post_line = next(line for line in output.splitlines() if line.startswith("post "))
    assert post_line.split() == ["post", "0", "0", "4", "0", "0"]


def test_a_changed_file_updates_what_changed_and_spares_what_editors_changed(tmp_path):
    run(tmp_path, paper())
    edited = Article.objects.get(slug="post-12")
    edited.title = "Depot draft, rewritten here"
    edited.save_revision()
    changed = paper({
        11: post(11, title="Strikers win", sticky=1),
        12: post(12, title="Draft about the depot, v2", status="draft"),
    })  # fmt: skip
    output = run(tmp_path, changed)
    lead = Article.objects.get(slug="post-11")
    assert lead.title == "Strikers win" and lead.live
    assert Article.objects.get(slug="post-12").get_latest_revision_as_object().title == (
        "Depot draft, rewritten here"
    )
    assert "post 12: edited here since it was imported: not overwritten" in output
    post_line = next(line for line in output.splitlines() if line.startswith("post "))
    assert post_line.split() == ["post", "0", "1", "2", "1", "0"]


def test_duplicate_and_cyrillic_slugs_get_addresses_of_their_own(tmp_path, client):
    cyrillic = "%d1%88%d0%b0%d1%85%d1%82%d1%91%d1%80%d1%8b"  # шахтёры
    run(tmp_path, export(
        post(21, slug="same", title="First of two"),
        post(22, slug="same", title="Second of two", link="https://lantern.example/2026/same/"),
        post(23, slug=cyrillic, title="Шахтёры"),
    ))  # fmt: skip
    assert Article.objects.get(title="First of two").slug == "same"
    assert Article.objects.get(title="Second of two").slug == "same-2"
    assert Article.objects.get(title="Шахтёры").slug == "shakhtery"
    assert client.get("/?p=22").headers["Location"] == "/news/same-2/"
    assert client.get("/2026/same/").headers["Location"] == "/news/same-2/"
    assert client.get(f"/{cyrillic}/").headers["Location"] == "/news/shakhtery/"


def test_a_media_folder_that_does_not_exist_stops_before_anything(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        run(tmp_path, paper(), tmp_path / "nowhere")
    assert not Article.objects.exists()


def test_pictures_missing_from_the_folder_are_listed_not_fatal(tmp_path):
    (tmp_path / "uploads").mkdir()
    output = run(tmp_path, paper(), tmp_path / "uploads")
    lead = Article.objects.get(slug="post-11")
    assert lead.live and lead.lead_image is None
    assert f"https://lantern.example/wp-content/uploads/{PICTURE}: not in the media folder" in (
        output
    )
    assert "attachment 90: its file" in output  # skipped, said why


def test_a_bad_item_is_reported_with_its_id_and_the_rest_goes_on(tmp_path):
    output = run(tmp_path, paper({17: post(17, title="Odd one", status="limbo")}))
    assert "post 17: ValueError: unknown status 'limbo'" in output
    assert not Article.objects.filter(title="Odd one").exists()  # its transaction undone
    assert not Redirect.objects.filter(old_path="/?p=17").exists()
    assert Article.objects.filter(title="Strikers hold the line").exists()


def test_a_truncated_file_stops_at_once_and_changes_nothing(tmp_path):
    text = paper()
    with pytest.raises(CommandError) as stopped:
        run(tmp_path, text[: len(text) // 2])
    assert "ends too soon" in str(stopped.value) and "Nothing was imported" in str(stopped.value)
    assert not Article.objects.exists() and not ImportedItem.objects.exists()
    assert not Category.objects.filter(name="World").exists()


def test_a_file_that_is_not_an_export_says_so(tmp_path):
    with pytest.raises(CommandError, match="not XML|not a WordPress export"):
        run(tmp_path, "just some words\n")


def test_re_running_an_unchanged_export_reads_little(tmp_path, django_assert_max_num_queries):
    run(tmp_path, paper())
    with django_assert_max_num_queries(45):  # a lookup or two per record, no new rows
        run(tmp_path, paper())


def test_a_password_protected_post_keeps_its_password(tmp_path, client):
    run(tmp_path, export(post(31, title="Branch minutes", password="red-flag")))
    article = Article.objects.get(title="Branch minutes")
    restriction = PageViewRestriction.objects.get(page=article)
    assert (restriction.restriction_type, restriction.password) == ("password", "red-flag")
    page = client.get("/news/post-31/").text
    assert 'name="password"' in page  # Wagtail's password form
    assert "First paragraph." not in page  # the text waits for the password
