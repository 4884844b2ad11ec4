"""Organising in the admin: regions, branches, organisers, events and their kinds, with
filters an organiser uses daily (which branch, which kind, coming or past)."""

import django_filters
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Branch, Event, EventKind, Organiser, Region


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


class BranchViewSet(SnippetViewSet):
    model = Branch
    icon = "group"
    list_display = ["name", "region", "meeting_pattern", "active"]
    list_filter = ["region", "active"]
    search_fields = ["name", "area"]


class OrganiserViewSet(SnippetViewSet):
    model = Organiser
    icon = "user"
    list_display = ["name", "role", "region", "branch", "in_contact_block"]
    list_filter = ["region", "in_contact_block"]
    search_fields = ["name", "role"]


class EventKindViewSet(SnippetViewSet):
    model = EventKind
    icon = "tag"
    menu_label = "Kinds of event"
    list_display = ["name", "slug", "sort_order"]


class EventFilterSet(WagtailFilterSet):
    when = django_filters.ChoiceFilter(
        label="When",
        choices=[("coming", "Coming"), ("past", "Past")],
        method="filter_when",
        empty_label="Any time",
    )

    class Meta:
        model = Event
        fields = ["kind", "status", "region", "branch"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "coming":
            return queryset.filter(occurrences__ends_at__gte=now).distinct()
        if value == "past":
            return queryset.exclude(occurrences__ends_at__gte=now)
        return queryset


class EventViewSet(SnippetViewSet):
    model = Event
    icon = "date"
    list_display = ["title", "kind", "start_date", "branch", "region", "status"]
    filterset_class = EventFilterSet
    search_fields = ["title", "description"]
    search_backend_name = None  # the database's own matching: events are not search-indexed
    ordering = ["-start_date"]
    list_per_page = 50


class OrganisingGroup(SnippetViewSetGroup):
    menu_label = "Organising"
    menu_icon = "group"
    menu_order = 250
    items = [EventViewSet, BranchViewSet, RegionViewSet, OrganiserViewSet, EventKindViewSet]


register_snippet(OrganisingGroup)
