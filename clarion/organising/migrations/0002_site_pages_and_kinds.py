"""A fresh install gets /events/ and /branches/ under home, and the usual kinds of event."""

import uuid

from django.db import migrations
from django.utils import timezone

KINDS = [
    "Branch meeting",
    "Public meeting",
    "Protest",
    "Picket",
    "Court hearing",
    "Press conference",
    "Conference",
    "Social",
]


def create_kinds(apps, schema_editor):
    EventKind = apps.get_model("organising.EventKind")
    for order, name in enumerate(KINDS):
        slug = name.lower().replace(" ", "-")
        EventKind.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


def create_index_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("home.HomePage")
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    for model_name, title, slug in [
        ("EventIndexPage", "Events", "events"),
        ("BranchIndexPage", "Branches", "branches"),
    ]:
        model = apps.get_model("organising", model_name)
        children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        if model.objects.exists() or children.filter(slug=slug).exists():
            continue  # already there, or the editor has a page of that name
        last = children.order_by("-path").values_list("path", flat=True).first()
        position = int(last[-4:], 36) + 1 if last else 1
        model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=ContentType.objects.get_or_create(
                app_label="organising", model=model_name.lower()
            )[0],
            path=home.path + _base36(position).rjust(4, "0"),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            locale_id=home.locale_id,
            translation_key=uuid.uuid4(),
            live=True,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        Page.objects.filter(pk=home.pk).update(numchild=children.count())


def _base36(number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
    return text or "0"


class Migration(migrations.Migration):
    dependencies = [
        ("organising", "0001_initial"),
        ("home", "0003_site_structure"),
    ]

    operations = [
        migrations.RunPython(create_kinds, migrations.RunPython.noop),
        migrations.RunPython(create_index_pages, migrations.RunPython.noop),
    ]
