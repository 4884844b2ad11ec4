"""clarion extend_events: carry repeating events' dates forward (run daily from cron)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from clarion.core.content_version import content_changed
from clarion.organising.models import Event
from clarion.organising.querysets import LONGEST_EVENT


class Command(BaseCommand):
    help = (
        "List the dates of every repeating event that is still running up to the horizon "
        "(CLARION_EVENTS_HORIZON_DAYS ahead). Safe to run at any time, and to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        # Rules that ended long ago have nothing more to add.
        since = timezone.now() - LONGEST_EVENT
        running = (
            Event.objects.exclude(recurrence="")
            .annotate(last=Max("occurrences__starts_at"))
            .filter(last__gte=since)
        )
        events = list(running)
        for event in tqdm(events, desc="Repeating events", disable=options["no_progress"]):
            with transaction.atomic():
                event.rebuild_occurrences()
        if events:
            content_changed()
        days = settings.CLARION_EVENTS_HORIZON_DAYS
        horizon = timezone.localdate() + datetime.timedelta(days=days)
        self.stdout.write(f"{len(events):,} repeating events listed up to {horizon:%d %B %Y}.")
