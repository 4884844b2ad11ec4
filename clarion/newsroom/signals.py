"""Keep derived, cached views of the article list in step with publishing."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from clarion.core.pagination import lists_changed

from .archive import forget_archive_months
from .models import Article, Topic


@receiver(page_published, sender=Article)
@receiver(page_unpublished, sender=Article)
@receiver(post_delete, sender=Article)
def article_list_changed(sender, **kwargs):
    forget_archive_months()


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
def topic_list_changed(sender, **kwargs):
    lists_changed()
