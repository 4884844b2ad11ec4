"""Production: safe by default. Needs SECRET_KEY and ALLOWED_HOSTS from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .environment import env_bool, env_int, env_list

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not env_list("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: list the site's host names, separated by commas."
    )

DEBUG = env_bool("DEBUG", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading commits the domain and every subdomain to HTTPS in browsers for good, and
    # anyone may submit a domain that asks for it: opt in with SECURE_HSTS_PRELOAD=true.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 60 * 60 * 12
# The CSRF token reaches the admin's scripts in the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Text-to-join answers only texts signed with CLARION_SMS_WEBHOOK_SECRET.
CLARION_SMS_ACCEPT_UNSIGNED = False
# A password-reset link works for an hour, not Django's three days.
PASSWORD_RESET_TIMEOUT = 60 * 60
if not CLARION_TWO_FACTOR:  # noqa: F405
    raise ImproperlyConfigured(
        "CLARION_TWO_FACTOR=off is only for trying the demo: accounts that can see members' "
        "personal data must use two-factor login. Remove CLARION_TWO_FACTOR from the "
        "environment."
    )
