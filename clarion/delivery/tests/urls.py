"""The site's routes plus two views that must never be stored: one setting a cookie, one
putting a CSRF token in its page."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from clarion.urls import urlpatterns as site_urlpatterns


def sets_a_cookie(request):
    response = HttpResponse("<p>Thanks for choosing.</p>")
    response.set_cookie("choice", "tea")
    return response


def carries_a_csrf_token(request):
    return HttpResponse(f'<form method="post"><input name="t" value="{get_token(request)}"></form>')


urlpatterns = [
    path("test/cookie/", sets_a_cookie),
    path("test/csrf/", carries_a_csrf_token),
    *site_urlpatterns,
]
