"""The WSGI application `clarion serve` runs: page-cache hits are answered before Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings.production")

from clarion.delivery.wsgi import PageCacheApplication  # noqa: E402  (needs settings)

application = PageCacheApplication(get_wsgi_application())
