"""The monthly archive: which months have articles, and the bounds of one month."""

import datetime

from django.http import Http404
from django.utils import timezone

from clarion.core.content_version import cached

# Months outside these years cannot hold articles; refusing them early also keeps time-zone
# arithmetic away from datetime's limits (year 1 in a zone east of UTC overflows).
FIRST_YEAR, LAST_YEAR = 1800, 2999


def archive_months():
    """[date(year, month, 1), …] newest first, for every month with a readable article.
    A scan of every article, so it is computed once per content version."""
    from .models import Article

    return cached(
        "archive-months",
        lambda: [
            moment.date()
            for moment in Article.objects.readable()
            .filter(date__isnull=False)
            .datetimes("date", "month", order="DESC")
        ],
    )


def month_bounds(year, month):
    """Aware datetimes [start, end) of a month in the site's time zone; 404 for no such month."""
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise Http404("There is no such month in the archive.")
    try:
        start = datetime.datetime(int(year), int(month), 1)
        end = datetime.datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    except ValueError:
        raise Http404("There is no such month.") from None
    zone = timezone.get_current_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)
