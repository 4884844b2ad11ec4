"""Local development and the demo: debug on, a throwaway key, mail to the console
unless EMAIL_HOST names a mail server."""

from .base import *  # noqa: F403
from .environment import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
if not env_str("EMAIL_HOST"):  # no mail server configured: show mail on the console
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Static files come straight from the apps: no collectstatic while developing.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Template and code edits show on the next reload: whole pages are cached only when asked.
CLARION_PAGE_CACHE = env_bool("CLARION_PAGE_CACHE", False)
