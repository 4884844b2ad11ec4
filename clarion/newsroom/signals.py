"""Keep derived, cached views of the article list in step with publishing."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from .archive import forget_archive_months
from .models import Article


@receiver(page_published, sender=Article)
@receiver(page_unpublished, sender=Article)
@receiver(post_delete, sender=Article)
def article_list_changed(sender, **kwargs):
    forget_archive_months()
