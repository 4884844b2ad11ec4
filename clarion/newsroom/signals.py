"""Categories, topics and authors are named and listed on public pages, so changing them is
a content change too."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clarion.core.content_version import content_changed

from .models import Author, Category, Topic


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
def listed_snippets_changed(sender, **kwargs):
    content_changed()
