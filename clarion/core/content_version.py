"""One number that changes whenever published content changes.

Derived views of published content — list totals, the archive's months, which pages are
behind a login — are cached under keys that include this number. It lives in the database,
so a publish by any process (a web worker, `publish_scheduled` from cron, `clarion seed`)
makes every process's cache miss at once, even with a per-process local-memory cache.
Each request reads it once."""

import contextvars

from django.core.cache import cache
from django.db.models import F

_version_this_request = contextvars.ContextVar("content_version", default=None)
_request_in_progress = contextvars.ContextVar("request_in_progress", default=False)

FOREVER = None


def content_version():
    version = _version_this_request.get()
    if version is None:
        from .models import ContentVersion

        version = ContentVersion.objects.values_list("number", flat=True).first() or 0
        if _request_in_progress.get():
            _version_this_request.set(version)
    return version


def content_changed():
    from .models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 1})
    _version_this_request.set(None)


def cached(name, compute, timeout=FOREVER):
    """compute() once per content version (and per `name`), from any process."""
    key = f"content:{content_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


class ContentVersionMiddleware:
    """Reads the content version at most once per request, not once per cached lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        version_token = _version_this_request.set(None)
        request_token = _request_in_progress.set(True)
        try:
            return self.get_response(request)
        finally:
            _version_this_request.reset(version_token)
            _request_in_progress.reset(request_token)
