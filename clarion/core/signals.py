"""Any change to what is published, or to who may read it, is a new content version."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .content_version import content_changed
from .models import PaperSettings

# What saving a draft revision writes to the live page row; nothing a reader sees.
DRAFT_ONLY_FIELDS = {
    "draft_title",
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}

# What Wagtail records about an image or document file the first time it is used.
FILE_BOOKKEEPING_FIELDS = {"file_size", "file_hash"}


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def published_pages_changed(sender, **kwargs):
    content_changed()


@receiver(post_save)
def live_page_saved(sender, instance, created, update_fields=None, **kwargs):
    """A live page saved directly (created live, or changed by code or an import) changes
    what readers see; saving a draft revision touches only draft fields and does not."""
    if not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is None or set(update_fields) - DRAFT_ONLY_FIELDS:
        content_changed()


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        content_changed()


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_save, sender=Image)
@receiver(post_delete, sender=Image)
@receiver(post_save, sender=Document)
@receiver(post_delete, sender=Document)
def shown_on_public_pages_changed(sender, update_fields=None, created=False, **kwargs):
    """Restrictions, sites, pictures and PDFs appear on public pages. A new upload does not
    until a page using it is published; nor do the size and hash Wagtail fills in on a
    file's first use."""
    if sender in (Image, Document) and created:
        return
    if update_fields is None or set(update_fields) - FILE_BOOKKEEPING_FIELDS:
        content_changed()


@receiver(post_save, sender=PaperSettings)
def paper_settings_changed(sender, created, **kwargs):
    """Wagtail creates a site's settings, with their defaults, the first time a page asks for
    them: pages already show those defaults, so only later saves are changes."""
    if not created:
        content_changed()
