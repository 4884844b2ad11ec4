"""HTTP caching for anonymous pages, and the full-page cache's Django side."""

import time

from django.conf import settings
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from . import page_cache

NOT_SHAREABLE = {"private", "no-store", "no-cache"}


def response_is_shareable(response):
    """The same for every reader: a complete 200 that sets no cookie, does not vary by cookie
    and was not marked private by its view."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    if vary & {"cookie", "*"}:
        return False
    directives = {
        d.split("=")[0].strip().lower() for d in response.get("Cache-Control", "").split(",")
    }
    return not directives & NOT_SHAREABLE


def make_public(response):
    """Cache-Control for browsers and shared caches, and validators for conditional requests
    (a view that made its own, like the feeds, keeps them)."""
    if "Cache-Control" not in response:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.CLARION_HTTP_MAX_AGE,
            stale_while_revalidate=settings.CLARION_HTTP_STALE_WHILE_REVALIDATE,
        )
    if "ETag" not in response:
        set_response_etag(response)
    if "Last-Modified" not in response:
        response.headers["Last-Modified"] = http_date(time.time())


class PublicCachingMiddleware:
    """Outermost middleware: answers from the page cache, and makes what Django rendered for
    an anonymous reader public, conditional and stored. Pages seen with a session are marked
    private so that no browser or proxy keeps an editor's view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        environ = request.META
        stored = page_cache.lookup(environ)
        if stored is not None:
            return stored.as_response(environ)
        response = self.get_response(request)
        if not page_cache.request_may_share(environ):
            if request.method in page_cache.CACHEABLE_METHODS and "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_cache=True)
            return response
        if not response_is_shareable(response):
            return response
        make_public(response)
        if request.method == "GET":
            page_cache.store(environ, response)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
