"""One number that changes whenever published content changes.

Derived views of published content — whole anonymous pages, list totals, the archive's
months, which pages are behind a login — are cached under keys that include this number. It
lives in the database, so a publish by any process (a web worker, `publish_scheduled` from
cron, `clarion seed`) makes every process's cached copies unused.

Each process reads it at most once per CLARION_FRESHNESS_SECONDS (the page cache asks on
every request): a change made in this process shows at once, one made by another process
within that interval. Each change sets a number never used before (at least the clock in
nanoseconds), so copies cached from a change that was rolled back are never served."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Value
from django.db.models.functions import Greatest

logger = logging.getLogger(__name__)

# Keys of older versions are never read again; in a shared cache (Redis) they expire.
KEEP_SECONDS = 24 * 60 * 60

# (version, when it was read); one tuple, replaced whole, so threads need no lock.
_recent = (None, 0.0)


def content_version():
    """The content version as this process read it at most CLARION_FRESHNESS_SECONDS ago."""
    global _recent
    version, read_at = _recent
    now = time.monotonic()
    if version is None or now - read_at > settings.CLARION_FRESHNESS_SECONDS:
        from .models import ContentVersion

        version = ContentVersion.objects.values_list("number", flat=True).first() or 0
        _recent = (version, now)
    return version


def content_changed_at():
    """When content last changed, in seconds since the epoch, read from the database now."""
    forget_recent_version()
    return content_version() / 1e9


def forget_recent_version():
    global _recent
    _recent = (None, 0.0)


def content_changed():
    from .models import ContentVersion

    fresh = Greatest(F("number") + 1, Value(time.time_ns()))
    if not ContentVersion.objects.filter(pk=1).update(number=fresh):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": time.time_ns()})
    forget_recent_version()


def content_key(name):
    """The cache key for `name` under the current content version."""
    return f"content:{content_version()}:{name}"


def cached(name, compute, timeout=KEEP_SECONDS):
    """compute() once per content version (and per `name`), from any process. With the cache
    unreachable (Redis restarting), computed every time rather than failing the page."""
    key = content_key(name)
    value = quietly(cache.get, key)
    if value is None:
        value = compute()
        quietly(cache.set, key, value, timeout)
    return value


# name → (content version, value): small values kept in this process as well.
_remembered = {}


def remembered(name, compute):
    """Like cached(), and also kept in this process for the current version: for small
    values asked for many times a request, where a shared cache would cost a round trip
    each time."""
    version = content_version()
    hit = _remembered.get(name)
    if hit is None or hit[0] != version:
        hit = _remembered[name] = (version, cached(name, compute))
    return hit[1]


def quietly(operation, *args):
    try:
        return operation(*args)
    except Exception:  # the shared cache is down: the database still answers
        logger.warning("cache unavailable", exc_info=True)
        return None


def clear_caches():
    """Empties this process's local-memory caches and forgets the version read (for the
    tests, and `clarion clear_caches`). A shared cache is left alone: clearing Redis empties
    its whole database, whatever else uses it; a new content version retires our keys."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for alias in settings.CACHES:
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()
    _remembered.clear()
    forget_recent_version()


def cached_many(name, ids, compute):
    """{id: value} for each id, from the cache where it can; compute(missing ids) → {id:
    value} fills the rest in one call. For values shared by many pages (a topic's latest
    articles, say) that a page needs several of at once."""
    version = content_version()
    key_of = {pk: f"content:{version}:{name}:{pk}" for pk in ids}
    found = quietly(cache.get_many, list(key_of.values())) or {}
    values = {pk: found[key] for pk, key in key_of.items() if key in found}
    missing = [pk for pk in ids if pk not in values]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, []) for pk in missing}
        quietly(cache.set_many, {key_of[pk]: value for pk, value in fresh.items()}, KEEP_SECONDS)
        values.update(fresh)
    return values
