from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from clarion.newsroom.views import short_link

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    re_path(r"^a/(?P<article_id>[0-9]{1,12})/$", short_link, name="short_link"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", include("clarion.discovery.urls")),
    path("", include("clarion.organising.urls")),
    path("", include("clarion.membership.urls")),
    path("", include(wagtail_urls)),
]
