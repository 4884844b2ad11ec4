"""One way to paginate every public list: bad or out-of-range page numbers are a 404."""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404

MAX_PAGE_DIGITS = 7


def paginate(request, items, per_page=None):
    """Return the requested page of `items`; ?page=abc, ?page=0 and past-the-end give 404.
    An empty list still has its (empty) first page."""
    paginator = Paginator(items, per_page or settings.CLARION_PAGE_SIZE)
    raw = request.GET.get("page", "1")
    # isdigit() alone also accepts digits int() rejects, such as "²".
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS:
        raise Http404("There is no such page of this list.")
    try:
        return paginator.page(int(raw))
    except EmptyPage:
        raise Http404("There is no such page of this list.") from None
