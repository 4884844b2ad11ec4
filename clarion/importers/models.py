"""What an import made of each record of an old site: how a second run of the same export
finds what the first created, updates what changed and leaves the rest alone."""

from django.db import models


class ImportedItem(models.Model):
    """One record of an export (an author, a category, a tag, a post, a page, a picture)
    and the Clarion object made of it."""

    class Source(models.TextChoices):
        WORDPRESS = "wordpress", "WordPress"
        GHOST = "ghost", "Ghost"

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag (a topic)"
        POST = "post", "Post (an article)"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment (a picture)"
        MEDIA = "media", "Media file (a picture)"
        LEAD = "lead", "Lead story (the sticky post an import put on the home page)"

    source = models.CharField(max_length=20, choices=Source.choices)
    site = models.CharField(
        max_length=300, blank=True, help_text="The old site's address, when the export names it"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(
        max_length=500, help_text="Its id in the export; for a media file, its path in the folder"
    )
    object_id = models.PositiveBigIntegerField(help_text="The author, page, image… made of it")
    fingerprint = models.CharField(max_length=64, help_text="Of the record as last imported")
    revision_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The page revision the import wrote (pages only)"
    )
    needs_editor = models.BooleanField(
        default=False, help_text="Its body holds content the import could not map"
    )
    missing_media = models.JSONField(
        default=list,
        blank=True,
        help_text="Addresses of its pictures the media folder lacked: a run that finds them "
        "imports it again",
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "site", "kind", "source_id"], name="imported_once"
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.kind} {self.source_id}"
