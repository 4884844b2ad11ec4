"""People follow their branch: when a branch moves region, so do its people (and so does
who may see them)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from clarion.organising.models import Branch

from .models import Person


@receiver(post_save, sender=Branch)
def branch_moved(sender, instance, **kwargs):
    Person.objects.filter(branch=instance).exclude(region_id=instance.region_id).update(
        region_id=instance.region_id
    )
