"""Plain pages are written in the article body's blocks (an import's pages carry pictures,
crossheads and content marked for an editor, as articles do). Each page's rich text, and
that of its revisions, becomes one paragraph block."""

import json
import uuid

import wagtail.fields
from django.db import migrations


def paragraph(html):
    return [{"type": "paragraph", "value": html, "id": str(uuid.uuid4())}] if html else []


def to_blocks(apps, schema_editor):
    StandardPage = apps.get_model("core", "StandardPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for page in StandardPage.objects.all():
        page.body = paragraph(page.rich_body)
        page.save(update_fields=["body"])
    page_type = ContentType.objects.filter(app_label="core", model="standardpage").first()
    if page_type is None:
        return
    for revision in Revision.objects.filter(content_type=page_type):
        body = revision.content.get("body")
        if isinstance(body, str) and not body.lstrip().startswith("["):
            revision.content["body"] = json.dumps(paragraph(body))
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alter_papersettings_donate_url_and_more"),
        ("wagtailcore", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RenameField("standardpage", "body", "rich_body"),
        migrations.AddField(
            model_name="standardpage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("paragraph", 0),
                    ("crosshead", 1),
                    ("quote", 4),
                    ("image", 8),
                    ("editors_note", 9),
                    ("fact_box", 12),
                    ("imported", 15),
                ],
                blank=True,
                block_lookup={
                    0: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "bold",
                                "italic",
                                "link",
                                "document-link",
                                "ol",
                                "ul",
                                "superscript",
                            ],
                            "template": "newsroom/blocks/paragraph.html",
                        },
                    ),
                    1: ("clarion.newsroom.blocks.CrossheadBlock", (), {}),
                    2: ("wagtail.blocks.TextBlock", (), {}),
                    3: ("wagtail.blocks.CharBlock", (), {"max_length": 200, "required": False}),
                    4: ("wagtail.blocks.StructBlock", [[("text", 2), ("attribution", 3)]], {}),
                    5: ("wagtail.images.blocks.ImageChooserBlock", (), {}),
                    6: ("wagtail.blocks.CharBlock", (), {"max_length": 300, "required": False}),
                    7: ("wagtail.blocks.CharBlock", (), {"max_length": 120, "required": False}),
                    8: (
                        "wagtail.blocks.StructBlock",
                        [[("image", 5), ("caption", 6), ("credit", 7)]],
                        {},
                    ),
                    9: ("clarion.newsroom.blocks.EditorsNoteBlock", (), {}),
                    10: ("wagtail.blocks.CharBlock", (), {"max_length": 120}),
                    11: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {"features": ["bold", "italic", "link", "ol", "ul"]},
                    ),
                    12: ("wagtail.blocks.StructBlock", [[("title", 10), ("text", 11)]], {}),
                    13: ("wagtail.blocks.CharBlock", (), {"max_length": 300}),
                    14: (
                        "wagtail.blocks.TextBlock",
                        (),
                        {"help_text": "As the old site had it", "required": False},
                    ),
                    15: ("wagtail.blocks.StructBlock", [[("reason", 13), ("source", 14)]], {}),
                },
            ),
        ),
        migrations.RunPython(to_blocks, migrations.RunPython.noop),
        migrations.RemoveField("standardpage", "rich_body"),
    ]
