"""The queries behind every list of articles, defined once and shared by pages and feeds."""

from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from wagtail.models import PageManager
from wagtail.query import PageQuerySet

NEWEST = (F("date").desc(nulls_last=True), F("pk").desc())


class ArticleQuerySet(PageQuerySet):
    def newest(self):
        return self.order_by(*NEWEST)

    def for_listing(self):
        """What an article card needs: no body, its category in the same query."""
        return self.defer_streamfields().select_related("category")

    def in_month(self, start, end):
        return self.filter(date__gte=start, date__lt=end)

    def latest_per_group(self, group_field, group_ids, per_group):
        """{group id: [newest `per_group` articles]} for many groups in one query, using
        ROW_NUMBER() OVER (PARTITION BY group ORDER BY date DESC): the cost does not grow
        with the number of groups. `group_field` may be a foreign key or a many-to-many."""
        if not group_ids:
            return {}
        ranked = (
            self.filter(**{f"{group_field}__in": list(group_ids)})
            .annotate(
                group_id=F(group_field),
                rank=Window(RowNumber(), partition_by=F(group_field), order_by=NEWEST),
            )
            .filter(rank__lte=per_group)
            .order_by("group_id", "rank")
        )
        grouped = defaultdict(list)
        for article in ranked:
            grouped[article.group_id].append(article)
        return grouped


ArticleManager = PageManager.from_queryset(ArticleQuerySet)
