"""WordPress's plain addresses — `/?p=123`, `/?page_id=7`, `/?attachment_id=90`, `/?cat=4`
— are the home page with a query, which answers, so Wagtail's redirects (tried only on a
"not found") never see them. This looks up the redirect an import made for such an address
before the home page is served; any other request passes untouched."""

from django.http import HttpResponsePermanentRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

OLD_QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author")


class OldSiteQueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.GET:
            found = [(key, request.GET[key]) for key in OLD_QUERY_KEYS if key in request.GET]
            if found:
                query = "&".join(f"{key}={value}" for key, value in found)
                old_path = Redirect.normalise_path(f"/?{query}", decode_unicode=False)
                redirect = get_redirect(request, old_path)
                if redirect is not None and redirect.link:
                    return HttpResponsePermanentRedirect(redirect.link)
        return self.get_response(request)
