"""The queries behind every list of events and branches, shared by pages, the sidebar, the
locator and the calendar feeds."""

import datetime

from django.db.models import QuerySet

from clarion.newsroom.querysets import NewestPerGroupMixin

# The longest an event may run (a week-long camp fits). Lists of coming events look back this
# far for ones still under way, so they can seek on the start time's index.
LONGEST_EVENT = datetime.timedelta(days=31)
SOONEST = ("starts_at", "pk")


class BranchQuerySet(QuerySet):
    def listed(self):
        """Branches readers see: open ones, with their region."""
        return self.filter(active=True).select_related("region")

    def located(self):
        return self.listed().filter(latitude__isnull=False, longitude__isnull=False)


class OccurrenceQuerySet(NewestPerGroupMixin, QuerySet):
    def upcoming(self, now):
        """Still to come or under way at `now`, soonest first. Cancelled events stay in the
        list, marked, so nobody turns up to a cancelled protest believing it is on."""
        return self.filter(starts_at__gte=now - LONGEST_EVENT, ends_at__gte=now).order_by(*SOONEST)

    def past(self, now):
        return self.filter(ends_at__lt=now).order_by("-starts_at", "-pk")

    def for_listing(self):
        return self.select_related("event__kind", "event__branch", "event__region")

    def filtered(self, *, region=None, branch=None, kind=None, topic=None, start=None, end=None):
        """Narrowed by what a reader chose; each is a model instance, or for dates aware
        datetimes bounding the start."""
        if region is not None:
            self = self.filter(event__region=region)
        if branch is not None:
            self = self.filter(event__branch=branch)
        if kind is not None:
            self = self.filter(event__kind=kind)
        if topic is not None:
            self = self.filter(event__topics=topic)
        if start is not None:
            self = self.filter(starts_at__gte=start)
        if end is not None:
            self = self.filter(starts_at__lt=end)
        return self

    def next_per_branch(self, branch_ids, now, count=1):
        """The next `count` occurrences of each branch's events, in one query."""
        coming = self.upcoming(now)
        return coming.newest_per_group("event__branch_id", branch_ids, count, order_by=SOONEST)
