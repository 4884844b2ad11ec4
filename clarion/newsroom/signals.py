"""Topics are listed publicly (A–Z), so changing them is a content change too."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clarion.core.content_version import content_changed

from .models import Topic


@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Topic)
def topics_changed(sender, **kwargs):
    content_changed()
