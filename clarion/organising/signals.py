"""Regions, branches, organisers and events are shown on public pages (and every page's
sidebar), so changing any of them is a content change."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from clarion.core.content_version import content_changed

from .models import Branch, Event, EventKind, Organiser, Region


def organising_changed(sender, **kwargs):
    content_changed()


for model in (Region, Branch, Organiser, EventKind, Event):
    post_save.connect(organising_changed, sender=model)
    post_delete.connect(organising_changed, sender=model)


@receiver(m2m_changed, sender=Event.topics.through)
def event_topics_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        content_changed()
