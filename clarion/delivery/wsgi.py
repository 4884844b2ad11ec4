"""The WSGI application in front of Django that answers page-cache hits by itself."""

import logging

from . import page_cache

logger = logging.getLogger(__name__)


class PageCacheApplication:
    """A hit costs a cache read and nothing else: no request object, no middleware, no URL
    resolving. A miss goes on into Django with the key already computed."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            stored = page_cache.lookup(environ)
        except Exception:  # the database is unreachable: let Django answer (and report) it
            logger.exception("page cache lookup failed")
            stored = None
        if stored is None:
            return self.application(environ, start_response)
        status_line, headers, body = stored.answer(environ)
        start_response(status_line, headers)
        return [body]
