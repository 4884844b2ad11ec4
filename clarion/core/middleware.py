"""Security headers that Django's own middleware does not set the way we need."""

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from wagtail.models import Site

from .content_version import KEEP_SECONDS, content_key, quietly


class ContentSecurityPolicyMiddleware:
    """Strict CSP for public pages (nothing from other hosts); a looser one for the admin,
    whose editor needs inline styles and scripts."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/admin/",)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_admin = request.path.startswith(self.admin_prefixes)
            response["Content-Security-Policy"] = (
                settings.CLARION_ADMIN_CSP if is_admin else settings.CLARION_CSP
            )
        return response


class CachedSiteMiddleware:
    """Keeps the request's Wagtail Site, with its home page in specific form once a request
    has routed through it, in the cache: Wagtail asks the database for both on every request,
    and sites change rarely (a content change). A cold cache costs what Wagtail's own lookup
    does; a warm one costs nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        host, port = split_domain_port(request.get_host())[0], request.get_port()
        key = content_key(f"site:{host}:{port}")
        site = quietly(cache.get, key)
        complete = site is not None and "specific" in site.root_page.__dict__
        if site is None:
            site = Site._find_for_request(request)
        request._wagtail_site = site
        response = self.get_response(request)
        if site is not None and not complete:
            quietly(cache.set, key, site, KEEP_SECONDS)
        return response
