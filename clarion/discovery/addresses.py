"""Absolute addresses on the public site, named the way its Wagtail Site record names it —
the same scheme, host and port the canonical links use (Settings → Sites in the admin)."""

from functools import cached_property
from urllib.parse import quote, urljoin

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

# What Django's reverse() leaves unquoted in a path (RFC 3986 sub-delimiters, '/', '~', ':', '@').
PATH_SAFE = "!$&'()*+,;=/~:@"


class SiteAddress:
    """Turns site-relative paths, page tree paths (`url_path`) and media URLs into absolute
    URLs without a query per page: a sitemap makes thousands of them."""

    def __init__(self, site):
        self.site = site
        self.root_url = site.root_url  # "https://paper.example", no trailing slash

    @classmethod
    def for_request(cls, request):
        """The address of the site answering `request` (Wagtail falls back to the default
        site for an unknown host name), or None when there is no site at all."""
        site = Site.find_for_request(request)
        return cls(site) if site is not None else None

    @cached_property
    def root_path(self):
        """The tree path of the site's home page, e.g. '/home/': pages below it are on this
        site. From Wagtail's cached list of site root paths (one query when it is cold)."""
        for root in Site.get_site_root_paths():
            if root.site_id == self.site.pk:
                return root.root_path
        return None

    @cached_property
    def serve_prefix(self):
        return reverse("wagtail_serve", args=("",))

    def absolute(self, path):
        """'/category/workplace/' → 'https://paper.example/category/workplace/'."""
        return self.root_url + path

    def page(self, url_path):
        """The absolute URL of a page of this site from its `url_path`, as Page.get_full_url
        would make it; None for a page that is not on this site."""
        root_path = self.root_path
        if root_path is None or not url_path.startswith(root_path):
            return None
        path = self.serve_prefix + quote(url_path[len(root_path) :], safe=PATH_SAFE)
        if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and path != "/":
            path = path.rstrip("/")
        return self.root_url + path

    def media(self, url):
        """A rendition's or document's URL made absolute (one already absolute stays as is)."""
        return urljoin(self.root_url + "/", url)
