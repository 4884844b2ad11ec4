"""One way to paginate every public list: bad or out-of-range page numbers are a 404, and
the total behind "page 3 of 250" is counted once per content version, not per request."""

import hashlib

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import cached_property

from .content_version import cached

MAX_PAGE_DIGITS = 7
COUNT_TTL = 60 * 60


class CachedCountPaginator(Paginator):
    """Counting 100,000 published articles costs more than fetching a page of them; the count
    is cached under the query's own SQL and the current content version."""

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        sql, params = self.object_list.query.sql_with_params()
        digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:32]
        return cached(f"count:{digest}", self.object_list.count, COUNT_TTL)


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
