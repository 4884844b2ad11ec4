"""What an old WordPress site's odder records become: names alike under different
parents, terms written without a slug, escaped names, resized pictures, addresses no file
could have, pages listed before their parents, slugs the site itself uses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image

from clarion.core.models import StandardPage
from clarion.home.models import HomePage
from clarion.newsroom.models import Article, Author, Category

from .running import picture, run_import
from .wxr_files import attachment, export, post

pytestmark = pytest.mark.django_db

UPLOADS = "https://lantern.example/wp-content/uploads"


def run(tmp_path, text, media_dir=None):
    return run_import("import_wordpress", tmp_path, text, media_dir, name="export.xml")


def category(term_id, slug, name, parent=""):
    return (
        f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename><![CDATA[{slug}]]>"
        f"</wp:category_nicename><wp:category_parent><![CDATA[{parent}]]></wp:category_parent>"
        f"<wp:cat_name><![CDATA[{name}]]></wp:cat_name></wp:category>"
    )


def page(id, slug, parent=0):
    return post(id, title=slug.title(), post_type="page", slug=slug, parent=parent, terms=[])


def test_categories_of_one_name_under_different_parents_stay_apart(tmp_path):
    run(tmp_path, export(
        category(10, "uk", "UK"), category(11, "us", "US"),
        category(12, "uk-local", "Local", parent="uk"),
        category(13, "us-local", "Local", parent="us"),
        post(21, title="UK story", terms=[("category", "uk-local", "Local")]),
        post(22, title="US story", terms=[("category", "us-local", "Local")]),
    ))  # fmt: skip
    uk, us = (Article.objects.get(title=f"{place} story").category for place in ("UK", "US"))
    assert (uk.name, uk.parent.name) == ("Local", "UK")
    assert (us.name, us.parent.name) == ("Local", "US")


def test_a_category_already_here_keeps_its_description(tmp_path):
    Category.objects.create(name="World", description="Our foreign desk")
    run(tmp_path, export(post(11)))
    assert Category.objects.get(name="World").description == "Our foreign desk"


def test_terms_written_without_a_slug_are_told_apart_by_name(tmp_path):
    def loose(*terms):
        return "".join(f'<category domain="{d}"><![CDATA[{n}]]></category>' for d, n in terms)

    run(tmp_path, export(
        post(11, title="A", terms=[], extra=loose(("category", "News"), ("post_tag", "Rugby"))),
        post(12, title="B", terms=[], extra=loose(("category", "Sport"), ("post_tag", "Football"),
                                                  ("post_tag", "Cricket"))),
    ))  # fmt: skip
    b = Article.objects.get(title="B")
    assert b.category.name == "Sport"
    assert [topic.name for topic in b.get_topics()] == ["Football", "Cricket"]


def test_names_wordpress_stored_escaped_read_as_written(tmp_path, client):
    run(tmp_path, export(
        category(9, "arts", "Arts &amp; Culture"),
        post(11, title="Pay &amp; conditions", terms=[("category", "arts", "Arts &amp; Culture")]),
    ))  # fmt: skip
    arts = Category.objects.get(slug="arts-culture")
    assert arts.name == "Arts & Culture"
    assert Article.objects.get(category=arts).title == "Pay & conditions"
    assert "&amp;amp;" not in client.get("/category/arts-culture/").text


def test_a_resized_copy_in_the_body_leads_to_the_full_picture(tmp_path):
    folder = tmp_path / "uploads"
    picture(folder, "2026/03/march.jpg", size=(1200, 800))
    picture(folder, "2026/03/march-300x200.jpg", size=(300, 200))
    content = f'<img src="{UPLOADS}/2026/03/march-300x200.jpg" alt="March">'
    run(tmp_path, export(post(11, content=content), attachment(90, "2026/03/march.jpg")), folder)
    article = Article.objects.get()
    assert article.body[0].value["image"].width == 1200
    assert article.lead_image == article.body[0].value["image"]
    assert Image.objects.count() == 1


def test_a_picture_address_no_file_could_have_is_listed_not_fatal(tmp_path):
    (tmp_path / "uploads").mkdir()
    content = f'<p>Text</p><img src="{UPLOADS}/{"a" * 300}.jpg"><img src="{UPLOADS}/x%00.jpg">'
    output = run(tmp_path, export(post(11, content=content, thumbnail="")), tmp_path / "uploads")
    article = Article.objects.get()
    assert [block.block_type for block in article.body] == ["paragraph", "imported", "imported"]
    assert "Failed" not in output and "not in the media folder" in output


def test_pages_listed_before_their_parents_are_nested_as_they_were(tmp_path):
    run(tmp_path, export(page(30, "grandchild", parent=20), page(20, "child", parent=10),
                         page(10, "parent"), page(40, "orphan", parent=99)))  # fmt: skip
    urls = {p.slug: p.url for p in StandardPage.objects.all()}
    assert urls["grandchild"] == "/parent/child/grandchild/"
    assert urls["orphan"] == "/orphan/"  # its parent is not in the export


def test_a_page_whose_parent_an_editor_deleted_is_still_updated(tmp_path):
    run(tmp_path, export(page(10, "parent"), page(20, "child", parent=10)))
    child, parent = (StandardPage.objects.get(slug=slug) for slug in ("child", "parent"))
    child.move(HomePage.objects.get(), pos="last-child")
    parent.delete()
    output = run(tmp_path, export(page(10, "parent"), post(20, title="Child, v2",
                 post_type="page", slug="child", parent=10, terms=[])))  # fmt: skip
    assert StandardPage.objects.get(pk=child.pk).title == "Child, v2"
    assert "page 10: deleted here since it was imported" in output and "Failed" not in output


def test_pages_take_their_old_addresses_unless_the_site_itself_answers_there(tmp_path):
    run(tmp_path, export(page(10, "reports"), page(11, "media"), page(12, "admin")))
    slugs = {p.title: p.slug for p in StandardPage.objects.all()}
    assert slugs == {"Reports": "reports", "Media": "media-2", "Admin": "admin-2"}


def test_many_posts_of_one_slug_cost_no_more_queries_each(tmp_path):
    def queries(first, slug=None):
        posts = (post(n, slug=slug, thumbnail="") for n in range(first, first + 20))
        with CaptureQueriesContext(connection) as captured:
            run(tmp_path, export(*posts))
        return len(captured)

    queries(100, slug="same")
    distinct = queries(200)  # twenty posts, each of a slug of its own
    repeated = queries(120, slug="same")  # the 21st to the 40th "same"
    assert repeated <= distinct + 20  # a query more each at most, not one more per namesake
    assert Article.objects.filter(slug="same-40").exists()


def test_two_old_authors_of_one_name_stay_two(tmp_path):
    second = """<wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[mira2]]>
    </wp:author_login><wp:author_display_name><![CDATA[Mira Ostrova]]></wp:author_display_name>
    </wp:author>"""
    text = export(second, post(11, title="By the second Mira")).replace(
        "<dc:creator><![CDATA[ostrova]]>", "<dc:creator><![CDATA[mira2]]>"
    )
    run(tmp_path, text)
    assert Author.objects.filter(name="Mira Ostrova").count() == 2


def test_an_author_page_under_wordpresss_own_name_for_the_login_redirects(tmp_path, client):
    email_login = """<wp:author><wp:author_id>4</wp:author_id><wp:author_login>
    <![CDATA[Ann.Lee@mail.example]]></wp:author_login><wp:author_display_name><![CDATA[Ann Lee]]>
    </wp:author_display_name></wp:author>"""
    run(tmp_path, export(email_login, post(11)))
    response = client.get("/author/ann-leemail-example/")
    assert (response.status_code, response.headers["Location"]) == (301, "/authors/ann-lee/")


def test_an_old_address_too_long_for_a_redirect_is_listed(tmp_path):
    long_link = f"https://lantern.example/2026/03/{'x' * 300}/"
    output = run(tmp_path, export(post(11, link=long_link)))
    assert "Old addresses too long for a redirect (over 255 characters): 1" in output
    assert Redirect.objects.filter(old_path="/?p=11").exists()


def test_the_lead_story_waits_while_the_home_page_has_unpublished_changes(tmp_path):
    home = HomePage.objects.get()
    home.title = "Home, being redesigned"
    home.save_revision()
    output = run(tmp_path, export(post(11, sticky=1)))
    home.refresh_from_db()
    assert home.lead_story is None
    assert home.get_latest_revision_as_object().title == "Home, being redesigned"
    assert "home page has changes not yet published" in output


def test_an_old_address_that_is_no_address_fails_nothing(tmp_path):
    odd = attachment(90, "2026/03/march.jpg", parent=11).replace(
        "<link>https://lantern.example/?attachment_id=90</link>", "<link>http://[oops/a/</link>"
    )
    content = '<img src="http://[oops/b.jpg">'
    output = run(tmp_path, export(post(11, content=content), odd, post(12, title="After")))
    assert Article.objects.filter(title="After").exists()
    assert Article.objects.get(slug="post-11").body[0].block_type == "imported"
    assert "Failed" not in output


def test_a_new_author_of_an_imported_ones_name_stays_apart_on_a_rerun(tmp_path):
    run(tmp_path, export(post(11)))
    second = """<wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[mira2]]>
    </wp:author_login><wp:author_display_name><![CDATA[Mira Ostrova]]></wp:author_display_name>
    </wp:author>"""
    text = export(second, post(12, title="By the second Mira")).replace(
        "<dc:creator><![CDATA[ostrova]]>", "<dc:creator><![CDATA[mira2]]>"
    )
    # the new author comes before the one imported already: neither takes the other's place
    text = text.replace(second, "").replace("<wp:author>", second + "<wp:author>", 1)
    run(tmp_path, text)
    first, second = (Article.objects.get(pk=p).get_authors()[0] for p in
                     Article.objects.order_by("pk").values_list("pk", flat=True))  # fmt: skip
    assert first != second and first.name == second.name == "Mira Ostrova"


def test_a_page_whose_grandparent_is_missing_keeps_its_own_parent(tmp_path):
    run(tmp_path, export(page(30, "child", parent=20), page(20, "parent", parent=10)))
    urls = {p.slug: p.url for p in StandardPage.objects.all()}
    assert urls == {"parent": "/parent/", "child": "/parent/child/"}


def test_a_quote_keeps_all_its_text(tmp_path):
    quote = "<blockquote>Said first<p>Then a paragraph</p><div>and a line</div></blockquote>"
    run(tmp_path, export(post(11, content=quote)))
    text = Article.objects.get().body[0].value["text"]
    assert text == "Said first\n\nThen a paragraph\n\nand a line"
