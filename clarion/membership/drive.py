"""The membership drive's public figures: members counted against the national goal and
each region's. Counts only — never a name — and read at most once a minute."""

from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count

from .models import MembershipGoal, Person

CACHE_SECONDS = 60


class GoalProgress(NamedTuple):
    label: str
    members: int
    target: int

    @property
    def percent(self):
        return min(100, round(100 * self.members / self.target)) if self.target else 100

    @property
    def reached(self):
        return self.members >= self.target


class DriveProgress(NamedTuple):
    national: GoalProgress | None
    regions: list

    @property
    def regions_reached(self):
        return sum(goal.reached for goal in self.regions)


def count_progress():
    goals = list(MembershipGoal.objects.select_related("region"))
    if not goals:
        return None
    by_region = dict(
        Person.objects.members()
        .order_by()
        .values_list("region_id")
        .annotate(count=Count("id"))
        .values_list("region_id", "count")
    )
    national = None
    regions = []
    for goal in goals:
        if goal.region_id is None:
            national = GoalProgress("Members", sum(by_region.values()), goal.target)
        else:
            regions.append(
                GoalProgress(goal.region.name, by_region.get(goal.region_id, 0), goal.target)
            )
    return DriveProgress(national, regions)


def drive_progress():
    """The figures, or None when no goal is set."""
    return cache.get_or_set("membership-drive-progress", count_progress, CACHE_SECONDS)


def forget_progress():
    cache.delete("membership-drive-progress")
