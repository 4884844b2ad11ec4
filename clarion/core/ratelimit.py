"""Counting attempts per address or account in the cache: public forms, text-to-join and
staff sign-in are limited with it. Shared across processes when the cache is Redis; per
process with the local-memory cache. Keys are hashed, so no address is stored as typed."""

import contextlib
import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request):
    """The reader's address: REMOTE_ADDR, or the header a trusted proxy sets
    (CLARION_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP behind docs/deploy/nginx.conf). Only
    that header, and only when named: a proxy that passes on what the client sent would
    otherwise let anyone pick an address. Of a list such as X-Forwarded-For the last entry
    is taken: the one our proxy added; the earlier ones are whatever the client sent."""
    header = settings.CLARION_CLIENT_IP_HEADER
    forwarded = request.META.get(header, "") if header else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def _key(scope, subject, window):
    digest = hashlib.blake2b(
        f"{scope}:{subject}".encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=16
    ).hexdigest()
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def attempt(scope, subject, limit, window):
    """Counts one attempt; True while there have been at most `limit` in this window."""
    key = _key(scope, subject, window)
    if cache.add(key, 1, window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, window)
        count = 1
    return count <= limit


def give_back(scope, subject, window):
    """Uncounts one attempt counted by `attempt` (one that turned out not to count)."""
    with contextlib.suppress(ValueError):  # expired meanwhile
        cache.decr(_key(scope, subject, window))


def attempts(scope, subject, window):
    """How many attempts this window, without counting one."""
    return cache.get(_key(scope, subject, window), 0)


def forget(scope, subject, window):
    cache.delete(_key(scope, subject, window))
