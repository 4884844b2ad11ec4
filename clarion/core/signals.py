"""Any change to what is published, or to who may read it, is a new content version."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .content_version import content_changed


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def published_pages_changed(sender, **kwargs):
    content_changed()


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        content_changed()


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restrictions_changed(sender, **kwargs):
    content_changed()
