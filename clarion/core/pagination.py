"""One way to paginate every public list: bad or out-of-range page numbers are a 404, and
the total behind "page 3 of 250" is counted once per change of content, not per request."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property

MAX_PAGE_DIGITS = 7
COUNT_TTL = 60 * 60
LISTS_GENERATION_KEY = "lists:generation"


def lists_changed():
    """Call whenever published content changes: every cached list count becomes stale."""
    try:
        cache.incr(LISTS_GENERATION_KEY)
    except ValueError:
        cache.set(LISTS_GENERATION_KEY, 1, None)


class CachedCountPaginator(Paginator):
    """Counting 100,000 published articles costs more than fetching a page of them; the count
    is cached under the query's own SQL and the current lists generation."""

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        sql, params = self.object_list.query.sql_with_params()
        generation = cache.get_or_set(LISTS_GENERATION_KEY, 1, None)
        digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:32]
        key = f"lists:count:{generation}:{digest}"
        total = cache.get(key)
        if total is None:
            total = self.object_list.count()
            cache.set(key, total, COUNT_TTL)
        return total


def paginate(request, items, per_page=None):
    """Return the requested page of `items`; ?page=abc, ?page=0 and past-the-end give 404.
    An empty list still has its (empty) first page."""
    paginator = CachedCountPaginator(items, per_page or settings.CLARION_PAGE_SIZE)
    raw = request.GET.get("page", "1")
    # isdigit() alone also accepts digits int() rejects, such as "²".
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS:
        raise Http404("There is no such page of this list.")
    try:
        return paginator.page(int(raw))
    except EmptyPage:
        raise Http404("There is no such page of this list.") from None
