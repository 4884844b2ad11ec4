"""The monthly archive: which months have articles, and the bounds of one month."""

import datetime

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

ARCHIVE_MONTHS_KEY = "newsroom:archive-months"


def archive_months():
    """[date(year, month, 1), …] newest first, for every month with a live article.
    A scan of every article, so it is cached and dropped whenever an article is published,
    unpublished or deleted (see signals.py)."""
    months = cache.get(ARCHIVE_MONTHS_KEY)
    if months is None:
        from .models import Article

        months = [
            moment.date()
            for moment in Article.objects.live()
            .filter(date__isnull=False)
            .datetimes("date", "month", order="DESC")
        ]
        cache.set(ARCHIVE_MONTHS_KEY, months, 60 * 60)
    return months


def forget_archive_months():
    cache.delete(ARCHIVE_MONTHS_KEY)


def month_bounds(year, month):
    """Aware datetimes [start, end) of a month in the site's time zone; 404 for no such month."""
    try:
        start = datetime.datetime(int(year), int(month), 1)
        # December 9999 has no next month to end at: datetime stops at year 9999.
        end = datetime.datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
    except ValueError:
        raise Http404("There is no such month.") from None
    zone = timezone.get_current_timezone()
    return timezone.make_aware(start, zone), timezone.make_aware(end, zone)
