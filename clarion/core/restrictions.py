"""Pages behind a login, password or group restriction, for leaving them out of public lists."""

from wagtail.models import PageViewRestriction

from .content_version import cached


def restricted_paths():
    """Tree paths of restricted pages; everything beneath them is restricted too.
    One small query per content version (restrictions changing is a content change)."""
    return cached(
        "restricted-paths",
        lambda: sorted(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )
