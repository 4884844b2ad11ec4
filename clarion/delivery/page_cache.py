"""Whole anonymous pages, kept in Django's cache (the "pages" alias: local memory per process,
or Redis shared by every worker and app server).

A reader's page is a pure function of the request's host, path and query, the language and
the display mode; the key holds those and the content version, so any publishing change
makes every key new at once. Only responses that are the same for every reader are stored:
no cookie set, no `Vary: Cookie` (a CSRF token or a session was used), nothing private.
Requests that carry a session (editors) neither read nor fill the cache.

The same code serves two callers: `PageCacheApplication` answers hits before Django is
entered at all (that is what makes hits cheap), and `PublicCachingMiddleware` stores what
Django renders and answers hits when the WSGI wrapper is not in front (tests, runserver)."""

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils.http import parse_http_date_safe

from clarion.core.content_version import content_version, quietly

KEY_IN_ENVIRON = "clarion.page_cache.key"
CACHEABLE_METHODS = ("GET", "HEAD")
MAX_KEYED_LENGTH = 2000  # longer paths and queries are rendered, not stored
TRACKING = re.compile(r"(?:^|&)?(?:utm_[a-z]+|fbclid|gclid|yclid|mc_cid|mc_eid|igshid)\b")
# Bodies smaller than this are sent as they are: gzip would save too little.
GZIP_MIN_BYTES = 500


def page_cache():
    return caches[settings.CLARION_PAGE_CACHE_ALIAS]


def request_may_share(environ):
    """Whether a request may be answered with, and fill, the shared page: a GET or HEAD with
    no session and no credentials, outside the admin."""
    if environ.get("REQUEST_METHOD") not in CACHEABLE_METHODS:
        return False
    if "HTTP_AUTHORIZATION" in environ:
        return False
    path = environ.get("PATH_INFO", "")
    if path.startswith(settings.CLARION_NEVER_CACHED_PREFIXES):
        return False
    cookie_header = environ.get("HTTP_COOKIE")
    return not (cookie_header and settings.SESSION_COOKIE_NAME in parse_cookie(cookie_header))


def cookie_choice(cookies, name, allowed):
    value = cookies.get(name, "")
    return value if value in allowed else ""


def without_tracking(query):
    """The query string without the tracking parameters that links shared on social media
    carry (utm_*, fbclid…): the page is the same, so it is one cache entry, not thousands."""
    if not query or not TRACKING.search(query):
        return query
    return "&".join(part for part in query.split("&") if not TRACKING.match(part.split("=", 1)[0]))


def cache_key(environ):
    """The page's key, or None when the address is too long to be worth storing."""
    query = without_tracking(environ.get("QUERY_STRING", ""))
    address = environ.get("PATH_INFO", "") + "?" + query
    if len(address) > MAX_KEYED_LENGTH:
        return None
    cookie_header = environ.get("HTTP_COOKIE")
    cookies = parse_cookie(cookie_header) if cookie_header else {}
    language = cookie_choice(cookies, settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODES)
    mode = cookie_choice(
        cookies, settings.CLARION_DISPLAY_MODE_COOKIE, settings.CLARION_DISPLAY_MODES
    )
    forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", "")
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    identity = "\n".join(
        (
            environ.get("wsgi.url_scheme", ""),
            forwarded_scheme,
            host.lower(),
            address,
            language,
            mode,
        )
    )
    digest = hashlib.md5(identity.encode("utf-8", "surrogateescape"), usedforsecurity=False)
    return f"page:{content_version()}:{digest.hexdigest()}"


def lookup(environ):
    """The stored page for this request, or None; records the key for the store that follows
    a miss, so the key is computed once per request."""
    if KEY_IN_ENVIRON in environ:
        return None  # looked up already, by the WSGI wrapper in front of Django
    if not settings.CLARION_PAGE_CACHE or not request_may_share(environ):
        return None
    key = cache_key(environ)
    if key is None:
        return None
    environ[KEY_IN_ENVIRON] = key
    return quietly(page_cache().get, key)  # Redis restarting: the page is rendered instead


def etag_matches(if_none_match, etag):
    """If-None-Match uses the weak comparison: W/"x" and "x" are the same tag."""
    if if_none_match.strip() == "*":
        return True
    etag = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class StoredPage:
    """A rendered page as sent: status, headers and body, plus a gzipped body made once at
    store time. Answers conditional requests itself."""

    __slots__ = ("status_line", "headers", "body", "gzip_headers", "gzip_body", "etag", "modified")

    def __init__(self, response, etag, modified):
        self.status_line = f"{response.status_code} {response.reason_phrase}"
        self.body = response.content
        self.etag = etag
        self.modified = modified
        skipped = {"content-length", "etag", "vary", "date"}
        common = [(name, value) for name, value in response.items() if name.lower() not in skipped]
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        self.gzip_body = None
        if len(self.body) >= GZIP_MIN_BYTES and "Content-Encoding" not in response:
            self.gzip_body = gzip.compress(self.body, compresslevel=6, mtime=0)
            if "Accept-Encoding" not in vary:
                vary.append("Accept-Encoding")
        if vary:
            common.append(("Vary", ", ".join(vary)))
        self.headers = [*common, ("Content-Length", str(len(self.body))), ("ETag", etag)]
        self.gzip_headers = None
        if self.gzip_body is not None:
            self.gzip_headers = [
                *common,
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(self.gzip_body))),
                ("ETag", self.gzip_etag),
            ]

    @property
    def gzip_etag(self):
        return self.etag[:-1] + '-gzip"'

    def answer(self, environ):
        """(status line, headers, body) for this request: the gzipped body when the reader
        accepts it, 304 Not Modified when the reader's copy is current, no body for HEAD."""
        gzipped = self.gzip_body is not None and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        headers = self.gzip_headers if gzipped else self.headers
        if self.not_modified_for(environ, self.gzip_etag if gzipped else self.etag):
            kept = [(n, v) for n, v in headers if n not in ("Content-Length", "Content-Encoding")]
            return "304 Not Modified", kept, b""
        body = self.gzip_body if gzipped else self.body
        if environ.get("REQUEST_METHOD") == "HEAD":
            body = b""
        return self.status_line, headers, body

    def not_modified_for(self, environ, etag):
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            return etag_matches(if_none_match, etag)
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since is not None:
            since = parse_http_date_safe(since)
            return since is not None and since >= self.modified
        return False

    def as_response(self, environ):
        """The same answer as a Django response (when Django, not the WSGI wrapper, serves)."""
        status_line, headers, body = self.answer(environ)
        response = HttpResponse(body, status=int(status_line[:3]))
        for name, value in headers:
            response.headers[name] = value
        return response


def store(environ, response):
    """Keep `response` for later readers, when the request was looked up under a key."""
    key = environ.get(KEY_IN_ENVIRON)
    if key is None:
        return
    page = StoredPage(response, response["ETag"], parse_http_date_safe(response["Last-Modified"]))
    quietly(page_cache().set, key, page, settings.CLARION_PAGE_CACHE_SECONDS)
