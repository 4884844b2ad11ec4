"""Moving a Ghost paper in: posts, pages, tags, authors and pictures of a Ghost 4–6 export
become Clarion's, old addresses lead to them, and a second run changes only what changed."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError
from wagtail.models import PageViewRestriction

from clarion.core.models import StandardPage
from clarion.home.models import HomePage
from clarion.importers.models import ImportedItem
from clarion.newsroom.models import Article, Author, Category, Topic

from .ghost_files import USERS, element, export, lexical, post, text
from .running import picture, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_dir(tmp_path):
    """A copy of the Ghost site's content/images."""
    folder = tmp_path / "images"
    picture(folder, "2026/03/dock.jpg")
    picture(folder, "mira.jpg", colour="navy")
    return folder


def run(tmp_path, text, media_dir=None):
    return run_import("import_ghost", tmp_path, text, media_dir, name="export.json")


def paper(*extra, **changes):
    posts = [
        post("p1", featured=True, feature_image="__GHOST_URL__/content/images/2026/03/dock.jpg",
             custom_excerpt="Dockers stop work over pay."),
        post("p2", title="Members' briefing", visibility="members"),
        post("p3", title="Not yet written", status="draft", published_at=None),
        post("p4", title="Rally on Saturday", status="scheduled",
             published_at="2099-05-01T10:00:00.000Z"),
        post("p5", title="Missing picture", feature_image="/content/images/gone.jpg"),
        post("pg1", title="About us", slug="about-us", type="page"),
        *extra,
    ]  # fmt: skip
    posts_tags = [
        {"post_id": "p1", "tag_id": "t1", "sort_order": 0},
        {"post_id": "p1", "tag_id": "t3", "sort_order": 1},  # internal: not a topic
        {"post_id": "p1", "tag_id": "t2", "sort_order": 2},
    ]
    posts_authors = [{"post_id": p["id"], "author_id": "u1", "sort_order": 0} for p in posts] + [
        {"post_id": "p1", "author_id": "u2", "sort_order": 1}
    ]
    return export(posts, posts_tags=posts_tags, posts_authors=posts_authors, **changes)


def test_a_ghost_export_becomes_articles_pages_topics_and_authors(tmp_path, media_dir):
    output = run(tmp_path, paper(), media_dir)

    lead = Article.objects.get(slug="post-p1")
    assert lead.live and lead.date == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    assert lead.standfirst == "Dockers stop work over pay."
    assert lead.lead_image.width == 40
    assert [t.name for t in lead.get_topics()] == ["Забастовка", "Housing"]
    assert [a.name for a in lead.get_authors()] == ["Mira Ostrova", "Tomas Reed"]
    assert HomePage.objects.get().lead_story_id == lead.pk  # Ghost's featured post
    assert not Topic.objects.filter(name="#front-page").exists()
    mira = Author.objects.get(name="Mira Ostrova")
    assert mira.bio == "Covers the docks." and mira.photo is not None

    members = Article.objects.get(title="Members' briefing")
    assert PageViewRestriction.objects.get(page=members).restriction_type == "login"
    assert not Article.objects.get(title="Not yet written").live
    scheduled = Article.objects.get(title="Rally on Saturday")
    assert not scheduled.live
    assert scheduled.latest_revision.approved_go_live_at == datetime(2099, 5, 1, 10, tzinfo=UTC)
    assert Article.objects.get(title="Missing picture").lead_image is None
    assert "/content/images/gone.jpg: not in the media folder" in output
    assert StandardPage.objects.get(title="About us").url == "/about-us/"


def test_old_ghost_addresses_lead_to_the_new_pages(tmp_path, client):
    run(tmp_path, paper())
    moved = {
        "/post-p1/": "/news/post-p1/",
        "/tag/zabastovka/": "/topics/zabastovka/",
        "/author/mira/": "/authors/mira-ostrova/",
    }
    for old, new in moved.items():
        response = client.get(old)
        assert (response.status_code, response.headers.get("Location")) == (301, new), old
    assert client.get("/about-us/").status_code == 200  # the same address as before


def test_lexical_posts_are_made_safe_and_unknown_cards_kept_for_an_editor(tmp_path, client):
    body = lexical(
        element("paragraph", text("Bold words", format=1), text(" and plain.")),
        {"type": "html", "version": 1,
         "html": '<p onclick="steal()">Inline <script>alert(1)</script>html card</p>'},
        {"type": "signup", "version": 1, "header": "Sign up"},
    )  # fmt: skip
    run(tmp_path, paper(post("p9", title="Lexical only", html=None, lexical=body)))
    article = Article.objects.get(title="Lexical only")
    assert [block.block_type for block in article.body] == ["paragraph", "imported"]
    assert "Ghost card: signup" in article.body[1].value["reason"]
    page = client.get(article.url).text
    assert "<b>Bold words</b> and plain." in page and "html card" in page
    assert "steal" not in page and "alert(1)" not in page


def test_running_a_ghost_export_again_changes_only_what_changed(tmp_path):
    run(tmp_path, paper())
    before = Article.objects.count(), Topic.objects.count(), Author.objects.count()
    run(tmp_path, paper())
    assert (Article.objects.count(), Topic.objects.count(), Author.objects.count()) == before
    output = run(tmp_path, paper(post("p6", title="A new one")))
    post_line = next(line for line in output.splitlines() if line.startswith("post "))
    assert post_line.split() == ["post", "1", "0", "5", "0", "0"]
    assert ImportedItem.objects.filter(source="ghost", kind="post").count() == 6


@pytest.mark.parametrize("version", ["3.42.0", "7.0.0"])
def test_an_export_of_another_ghost_version_is_refused_and_nothing_imported(tmp_path, version):
    with pytest.raises(CommandError, match=version) as refused:
        run(tmp_path, paper(version=version))
    assert "Nothing was imported" in str(refused.value)
    assert not Article.objects.exists() and not ImportedItem.objects.exists()


def test_a_truncated_ghost_export_is_refused(tmp_path):
    text = paper()
    with pytest.raises(CommandError, match="line"):
        run(tmp_path, text[: len(text) // 2])
    assert not Article.objects.exists()


def test_two_staff_users_of_one_name_stay_two_authors(tmp_path):
    users = [USERS[0], {**USERS[1], "name": USERS[0]["name"]}]
    both = [{"post_id": "p1", "author_id": user["id"], "sort_order": n} for n, user in
            enumerate(users)]  # fmt: skip
    run(tmp_path, export([post("p1")], users=users, posts_authors=both))
    article = Article.objects.get()
    assert [author.slug for author in article.get_authors()] == ["mira-ostrova", "mira-ostrova-2"]


def test_ghosts_cards_in_its_html_become_links_or_wait_for_an_editor(tmp_path, client):
    html = (
        "<p>Read on.</p>"
        '<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" '
        'href="https://union.example/vote"><div class="kg-bookmark-content">'
        '<div class="kg-bookmark-title">Ballot result</div></div>'
        '<div class="kg-bookmark-thumbnail"><img src="https://union.example/t.jpg"></div></a>'
        "</figure>"
        '<div class="kg-card kg-signup-card"><h2>Sign up to the Lantern</h2><form>'
        '<input type="email"></form></div>'
    )
    output = run(tmp_path, paper(post("p9", title="Cards", html=html)))
    article = Article.objects.get(title="Cards")
    assert [block.block_type for block in article.body] == ["paragraph", "imported"]
    assert "Ghost card: signup" in output
    page = client.get(article.url).text
    assert '<a href="https://union.example/vote">Ballot result</a>' in page
    assert "Sign up to the Lantern" not in page and "union.example/t.jpg" not in page


def test_a_category_made_of_a_primary_tag_keeps_an_editors_changes(tmp_path):
    tagged = [{"post_id": p, "tag_id": "t2", "sort_order": 0} for p in ("p1", "p2", "p3")]
    run(tmp_path, export([post("p1")], posts_tags=tagged[:1]))
    housing = Category.objects.get(name="Housing")
    housing.name = "Homes"
    housing.save()
    run(tmp_path, export([post("p1"), post("p2")], posts_tags=tagged[:2]))
    assert Article.objects.get(slug="post-p2").category == housing  # renamed, still the one
    Article.objects.all().delete()
    housing.delete()
    run(tmp_path, export([post("p3")], posts_tags=tagged[2:]))
    assert not Category.objects.filter(name__in=["Housing", "Homes"]).exists()
