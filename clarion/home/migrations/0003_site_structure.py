"""A fresh install gets a working site: the home page, /news/ and /editions/ in place of
Wagtail's welcome page, and the default site pointing at it."""

import uuid

from django.db import migrations

HOME_PATH = "00010001"


def create_site_structure(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("home.HomePage")
    ArticleIndexPage = apps.get_model("newsroom.ArticleIndexPage")
    EditionIndexPage = apps.get_model("editions.EditionIndexPage")

    if HomePage.objects.exists():
        return
    welcome = Page.objects.filter(path=HOME_PATH, depth=2).first()
    if welcome is not None:
        if welcome.numchild:
            return  # someone has built on the default page; leave their tree alone
        welcome.delete()
    locale = Locale.objects.order_by("pk").first()

    def content_type(model):
        return ContentType.objects.get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )[0]

    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=content_type(HomePage),
        path=HOME_PATH,
        depth=2,
        numchild=2,
        url_path="/home/",
        locale=locale,
        translation_key=uuid.uuid4(),
        live=True,
    )
    for position, (model, title, slug) in enumerate(
        [(ArticleIndexPage, "News", "news"), (EditionIndexPage, "The paper", "editions")], 1
    ):
        model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type(model),
            path=f"{HOME_PATH}{position:04d}",
            depth=3,
            numchild=0,
            url_path=f"/home/{slug}/",
            locale=locale,
            translation_key=uuid.uuid4(),
            live=True,
        )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.pk, "site_name": "Clarion"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_initial"),
        ("newsroom", "0001_initial"),
        ("editions", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_site_structure, migrations.RunPython.noop)]
