"""Running an import again: what a record failing, a picture arriving late, a post
withdrawn on the old site or an editor's change here does to the next run."""

import pytest
from PIL import Image as PillowImage
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction, Revision

from clarion.home.models import HomePage
from clarion.importers.importer import Importer, Kind
from clarion.importers.models import ImportedItem
from clarion.importers.records import Item
from clarion.importers.sources import WordPressExport
from clarion.newsroom.models import Article, Category

from .running import picture, run_import, write
from .wxr_files import attachment, export, post

pytestmark = pytest.mark.django_db

PICTURE = "2026/03/march.jpg"
INLINE = f'<p>Before.</p><img src="https://lantern.example/wp-content/uploads/{PICTURE}">'


def run(tmp_path, text, media_dir=None):
    return run_import("import_wordpress", tmp_path, text, media_dir, name="export.xml")


@pytest.fixture
def media_dir(tmp_path):
    folder = tmp_path / "uploads"
    picture(folder, PICTURE)
    return folder


def test_a_failed_post_takes_its_new_pictures_with_it(tmp_path, media_dir):
    """The first post using the picture fails after its image was made: the image goes
    with its transaction, and the next post makes it again rather than point at nothing."""
    output = run(
        tmp_path,
        export(
            post(10, title="Bad status", status="limbo", thumbnail=90, content=INLINE),
            post(11, title="Good", thumbnail=90, content=INLINE),
            attachment(90, PICTURE, parent=11),
        ),
        media_dir,
    )
    assert "post 10: ValueError: unknown status 'limbo'" in output
    good = Article.objects.get(title="Good")
    assert good.lead_image is not None and good.lead_image.width == 40
    assert [block.block_type for block in good.body] == ["paragraph", "image"]
    assert good.body[1].value["image"] == good.lead_image
    assert Image.objects.count() == 1  # one file, one image, however many posts use it
    assert "Missing media" not in output


def test_a_run_with_the_pictures_adds_them_to_posts_imported_without(tmp_path, media_dir):
    text = export(post(11, title="Good", thumbnail=90, content=INLINE), attachment(90, PICTURE))
    first = run(tmp_path, text)
    assert "no media folder given" in first
    article = Article.objects.get(title="Good")
    assert article.lead_image is None and article.body[1].block_type == "imported"

    run(tmp_path, text, media_dir)
    article.refresh_from_db()
    assert article.lead_image is not None
    assert [block.block_type for block in article.body] == ["paragraph", "image"]
    third = run(tmp_path, text, media_dir)  # all there now: nothing to do
    assert next(line for line in third.splitlines() if line.startswith("post ")).split() == [
        "post", "0", "0", "1", "0", "0"
    ]  # fmt: skip


def test_a_post_still_missing_its_picture_is_left_alone(tmp_path):
    text = export(post(11, title="Good", thumbnail="", content=INLINE))
    run(tmp_path, text, tmp_path)
    revisions = Revision.objects.count()
    run(tmp_path, text, tmp_path)
    assert Revision.objects.count() == revisions


def test_a_new_comment_on_the_old_site_changes_nothing_here(tmp_path):
    run(tmp_path, export(post(11, comments=1)))
    output = run(tmp_path, export(post(11, comments=2)))
    assert "post                0        0          1" in output


def test_a_scheduled_post_put_back_to_draft_is_no_longer_scheduled(tmp_path):
    run(tmp_path, export(post(13, title="March", status="future", gmt="2099-01-01 08:00:00")))
    run(tmp_path, export(post(13, title="March (held)", status="draft", gmt="0000-00-00 00:00:00")))
    article = Article.objects.get()
    assert not article.live and article.go_live_at is None
    assert article.get_latest_revision_as_object().title == "March (held)"
    assert not Revision.objects.filter(
        object_id=str(article.pk), approved_go_live_at__isnull=False
    ).exists()  # publish_scheduled has nothing of it to publish


def test_an_article_an_editor_unpublished_stays_unpublished(tmp_path, admin_user):
    run(tmp_path, export(post(11)))
    article = Article.objects.get()
    article.unpublish(user=admin_user)
    output = run(tmp_path, export(post(11, title="Typo fixed")))
    article.refresh_from_db()
    assert not article.live and article.title == "Strikers hold the line"
    assert "post 11: edited here since it was imported: not overwritten" in output


def test_a_restriction_an_editor_added_is_kept(tmp_path, admin_user):
    run(tmp_path, export(post(11)))
    article = Article.objects.get()
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.LOGIN
    )
    PageViewRestriction.objects.get(pk=restriction.pk).save(user=admin_user)  # as the admin does
    run(tmp_path, export(post(11, title="Typo fixed")))
    assert PageViewRestriction.objects.filter(page=article).exists()


def test_a_category_an_editor_renamed_is_not_renamed_back(tmp_path, admin_client):
    run(tmp_path, export(post(11)))
    world = Category.objects.get(name="World")
    response = admin_client.post(
        f"/admin/snippets/newsroom/category/edit/{world.pk}/",
        {"name": "International", "slug": world.slug, "description": "Our foreign desk",
         "sort_order": 0},
    )  # fmt: skip
    assert response.status_code == 302
    changed = export(post(11)).replace("[World]]", "[World news]]")
    output = run(tmp_path, changed)
    world.refresh_from_db()
    assert (world.name, world.description) == ("International", "Our foreign desk")
    assert "category 3: edited here since it was imported: not overwritten" in output


def test_a_category_an_editor_deleted_is_not_made_again(tmp_path):
    run(tmp_path, export(post(11)))
    article = Article.objects.get()
    article.category = Category.objects.get(name="World")
    article.save_revision().publish()
    Category.objects.get(name="Central Asia").delete()
    run(tmp_path, export(post(11), post(12, title="A new post")))
    assert not Category.objects.filter(name="Central Asia").exists()
    assert Article.objects.get(title="A new post").category.name == "News"


def test_a_category_loop_is_reported_and_the_other_categories_filed(tmp_path):
    """Categories whose parent comes later are filed under it at the end, each on its
    own: a loop in the old site's categories is reported, the others still filed."""
    loop = (
        "<wp:category><wp:term_id>8</wp:term_id><wp:category_nicename><![CDATA[loop]]>"
        "</wp:category_nicename><wp:category_parent><![CDATA[loop]]></wp:category_parent>"
        "<wp:cat_name><![CDATA[Loop]]></wp:cat_name></wp:category>"
    )
    child_first = (
        "<wp:category><wp:term_id>9</wp:term_id><wp:category_nicename><![CDATA[towns]]>"
        "</wp:category_nicename><wp:category_parent><![CDATA[places]]></wp:category_parent>"
        "<wp:cat_name><![CDATA[Towns]]></wp:cat_name></wp:category>"
        "<wp:category><wp:term_id>10</wp:term_id><wp:category_nicename><![CDATA[places]]>"
        "</wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent>"
        "<wp:cat_name><![CDATA[Places]]></wp:cat_name></wp:category>"
    )
    output = run(tmp_path, export(loop, child_first, post(11)))
    assert Category.objects.get(name="Loop").parent is None
    assert Category.objects.get(name="Towns").parent.name == "Places"
    assert ImportedItem.objects.filter(kind="category").count() == 5
    assert "category loop: ValueError: its parent 'loop' is itself" in output


def test_terms_a_failed_record_made_are_made_again_by_the_next(tmp_path):
    """What a record learned is rolled back with it: a category it made and cached must not
    be handed, deleted, to the next post filed under it."""
    path = write(tmp_path, export(post(11)), "export.xml")
    importer = Importer(WordPressExport(path))
    importer.run()

    def files_then_fails(record, known):
        importer.term_id(Kind.CATEGORY, "housing", "Housing")
        raise ValueError("the disk filled up")

    importer.one(Kind.POST, Item(id="12", post_type="post"), files_then_fails)
    assert not Category.objects.filter(name="Housing").exists()
    housing = importer.term_id(Kind.CATEGORY, "housing", "Housing")
    assert Category.objects.get(pk=housing).name == "Housing"


def test_a_picture_cut_short_in_copying_is_listed_and_its_post_imported(tmp_path, media_dir):
    photo = PillowImage.effect_noise((400, 300), 60).convert("RGB")  # its header reads well
    photo.save(media_dir / PICTURE)
    whole = (media_dir / PICTURE).read_bytes()
    (media_dir / PICTURE).write_bytes(whole[: len(whole) // 2])
    output = run(tmp_path, export(post(11, thumbnail=90), attachment(90, PICTURE)), media_dir)
    article = Article.objects.get()
    assert article.live and article.lead_image is None
    assert "not a picture Clarion can read" in output and "Failed" not in output


def test_a_rerun_without_the_media_folder_keeps_the_pictures(tmp_path, media_dir):
    run(tmp_path, export(post(11, thumbnail=90, content=INLINE), attachment(90, PICTURE)),
        media_dir)  # fmt: skip
    run(tmp_path, export(post(11, title="Retitled", thumbnail=90, content=INLINE),
                         attachment(90, PICTURE)))  # fmt: skip
    article = Article.objects.get()
    assert article.title == "Retitled" and article.lead_image is not None
    assert [block.block_type for block in article.body] == ["paragraph", "image"]


def test_a_picture_an_editor_deleted_is_not_made_again(tmp_path, media_dir):
    text = export(post(11, thumbnail=90), attachment(90, PICTURE))
    run(tmp_path, text, media_dir)
    Image.objects.get().delete()
    changed = export(post(11, title="Retitled", thumbnail=90), attachment(90, PICTURE))
    output = run(tmp_path, changed, media_dir)
    assert not Image.objects.exists()
    assert Article.objects.get().lead_image is None
    assert "deleted here since it was imported" in output


def test_a_published_post_scheduled_again_on_the_old_site_comes_down_until_then(tmp_path):
    run(tmp_path, export(post(11)))
    run(tmp_path, export(post(11, title="Rewritten", status="future", gmt="2099-01-01 08:00:00")))
    article = Article.objects.get()
    assert not article.live
    assert article.latest_revision.approved_go_live_at is not None


def test_a_lead_story_an_editor_chose_stays_chosen(tmp_path):
    text = export(post(11, title="Sticky", sticky=1), post(12, title="Other"))
    run(tmp_path, text)
    home = HomePage.objects.get()
    assert home.lead_story.title == "Sticky"
    home.lead_story = Article.objects.get(title="Other")
    home.save_revision().publish()
    run(tmp_path, text)
    assert HomePage.objects.get().lead_story.title == "Other"
