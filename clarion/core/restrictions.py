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


class CachedViewRestrictionsMixin:
    """For page types: Wagtail asks the database for a page's view restrictions (two queries)
    on every view; a page outside every restricted branch has none, known from the cache."""

    def get_view_restrictions(self):
        if not any(self.path.startswith(path) for path in restricted_paths()):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
