"""Settings shared by every environment. Everything a deployment changes comes from
the environment, under the conventional names (DATABASE_URL, SECRET_KEY, …)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .environment import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    mailer_from_environment,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent
# All local state (SQLite database, uploaded media, collected static files) lives here.
VAR_DIR = Path(env_str("CLARION_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "clarion.core",
    "clarion.editions",
    "clarion.newsroom",
    "clarion.home",
    "clarion.discovery",
    "clarion.organising",
    "clarion.membership",
    "clarion.importers",
    "clarion.demo",
    "clarion.delivery",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Outermost, so that the pages it stores carry every header the others add.
    "clarion.delivery.middleware.PublicCachingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clarion.membership.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clarion.core.middleware.ContentSecurityPolicyMiddleware",
    "clarion.core.middleware.CachedSiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "clarion.importers.middleware.OldSiteQueryRedirectMiddleware",
]

ROOT_URLCONF = "clarion.urls"
WSGI_APPLICATION = "clarion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clarion.sqlite3'}"), BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL full-text search: the search index's GIN index and tsvector lookups.
    INSTALLED_APPS.append("django.contrib.postgres")

# "default" holds fragments and derived values; "pages" holds whole anonymous pages. Local
# memory (per process, bounded) out of the box; Redis, shared by every worker and app server,
# with REDIS_URL.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "clarion")
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:{alias}",
        }
        for alias in ("default", "pages")
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            # Each entry is one page (tens of KB, plus its gzipped copy): this bounds a
            # worker's memory however many different addresses are asked for.
            "OPTIONS": {"MAX_ENTRIES": env_int("CLARION_PAGE_CACHE_ENTRIES", 2000)},
        },
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail goes through real SMTP, configured by EMAIL_HOST, EMAIL_PORT, … in the environment.
MAILERS = {"default": mailer_from_environment()}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-gb")
LANGUAGES = [("en-gb", "English"), ("ru", "Русский"), ("kk", "Қазақша")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Security defaults that hold in every environment; production.py adds HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Public pages load nothing from other hosts; the admin needs inline styles only.
CLARION_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
CLARION_ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "object-src 'none'"
)

WAGTAIL_SITE_NAME = env_str("CLARION_SITE_NAME", "Clarion")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "clarion.discovery.search_backend"}}
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 15 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # staff e-mail hashes never go to a third party
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True

# How many items each kind of list shows; the paginated lists accept ?page=N.
CLARION_PAGE_SIZE = env_int("CLARION_PAGE_SIZE", 20)
# How far ahead a repeating event's dates are listed; `clarion extend_events` (daily) moves it on.
CLARION_EVENTS_HORIZON_DAYS = env_int("CLARION_EVENTS_HORIZON_DAYS", 400)
# Distances in the branch locator: "km" or "mi".
CLARION_DISTANCE_UNIT = env_choice("CLARION_DISTANCE_UNIT", "km", ("km", "mi"))
CLARION_RELATED_PER_TOPIC = 4
CLARION_SITEMAP_SIZE = 5000  # URLs per child sitemap (each covers this many ids)
CLARION_FEED_ITEMS = 20  # newest articles in each Atom, RSS and JSON feed

# Full-page cache and HTTP caching (clarion.delivery). Anonymous pages are stored whole
# for CLARION_PAGE_CACHE_SECONDS at most; any publishing change makes them all new at once in
# this process, and in other processes within CLARION_FRESHNESS_SECONDS.
CLARION_PAGE_CACHE = env_bool("CLARION_PAGE_CACHE", True)
CLARION_PAGE_CACHE_ALIAS = "pages"
CLARION_PAGE_CACHE_SECONDS = env_int("CLARION_PAGE_CACHE_SECONDS", 600)
CLARION_FRESHNESS_SECONDS = 0.25  # a database read, four times a second per process
CLARION_NEVER_CACHED_PREFIXES = ("/admin/", "/documents/")
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)
CLARION_DISPLAY_MODE_COOKIE = "clarion_display"
CLARION_DISPLAY_MODES = ("text",)
# What browsers and shared caches are told: keep a page a minute, then serve it while
# checking for a newer one (a 304 costs the server almost nothing) for up to five.
CLARION_HTTP_MAX_AGE = env_int("CLARION_HTTP_MAX_AGE", 60)
CLARION_HTTP_STALE_WHILE_REVALIDATE = env_int("CLARION_HTTP_STALE_WHILE_REVALIDATE", 300)

# A cache in front (nginx with the cache-purge module, see docs/deploy/, or any cache that
# takes PURGE requests) is told which addresses a publish changed.
CLARION_PURGE_URL = env_str("CLARION_PURGE_URL")
WAGTAILFRONTENDCACHE = (
    {
        "proxy": {
            "BACKEND": "clarion.delivery.purge.QuietHTTPBackend",
            "LOCATION": CLARION_PURGE_URL,
        }
    }
    if CLARION_PURGE_URL
    else {}
)

# Membership, subscriptions and donations (clarion.membership).
# Payments: "offline" (bank transfer or standing order with a reference; nothing to set up)
# or "stripe" (Stripe Checkout; needs both Stripe keys).
CLARION_PAYMENT_PROVIDER = env_choice("CLARION_PAYMENT_PROVIDER", "offline", ("offline", "stripe"))
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Text-to-join: the SMS gateway's auth token; when set, unsigned or badly signed requests to
# /webhooks/sms/ are refused (the X-Twilio-Signature scheme most gateways share).
CLARION_SMS_WEBHOOK_SECRET = env_str("CLARION_SMS_WEBHOOK_SECRET")
# Without a secret, anyone could file join requests in any number's name: production
# turns text-to-join off until the secret is set (development takes unsigned texts).
CLARION_SMS_ACCEPT_UNSIGNED = True
# Public forms (join, subscribe, donate, text-to-join): submissions per address per hour.
CLARION_FORM_RATE_LIMIT = env_int("CLARION_FORM_RATE_LIMIT", 10)
CLARION_FORM_MAX_BYTES = 20_000  # a form body larger than this is refused unread
# Behind a proxy, the request header holding the reader's address (e.g. HTTP_X_REAL_IP).
CLARION_CLIENT_IP_HEADER = env_str("CLARION_CLIENT_IP_HEADER")
# Staff sign-in: failed attempts per account, and per address, in 15 minutes before a wait.
CLARION_LOGIN_ATTEMPTS = env_int("CLARION_LOGIN_ATTEMPTS", 5)
WAGTAILADMIN_USER_LOGIN_FORM = "clarion.core.staff_login.ThrottledLoginForm"
# Two-factor login (TOTP) for every account that can see personal data; "off" only to try
# the demo without an authenticator app.
CLARION_TWO_FACTOR = env_bool("CLARION_TWO_FACTOR", True)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
if CLARION_PAYMENT_PROVIDER == "stripe" and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "CLARION_PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET "
        "(the webhook's signing secret, whsec_…) from the Stripe dashboard."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
