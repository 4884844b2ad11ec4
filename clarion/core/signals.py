"""Any change to what is published makes cached list counts stale."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .pagination import lists_changed


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def published_pages_changed(sender, **kwargs):
    lists_changed()


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        lists_changed()
