"""
Settings for expectedwrong.

Every value that differs between a laptop and a deployment comes from the
environment (see .env.example); the defaults are safe for local use. With
DJANGO_DEBUG off, start-up refuses to go on without a secret key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import release

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment "
            "(or set DJANGO_DEBUG=1 for local development)."
        )
    # Local development only: DEBUG is on and nothing is deployed.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names this site answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "expectedwrong")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_AUTHOR = os.environ.get("SITE_AUTHOR", SITE_NAME)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "markdownx",
    "taggit",
    # Apps extend the ones above them (tests/test_architecture.py): claims
    # before counterpoints, so a post's admin page shows claims first.
    "core",
    "blog",
    "claims",
    "counterpoints",
    "redirects",
    "transfer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.limits.ReaderRequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "redirects.middleware.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://… for PostgreSQL), else an embedded
# SQLite file. SQLite is set up for concurrent writers: IMMEDIATE
# transactions take the write lock up front (no deadlocked upgrade from a
# read lock), WAL lets readers run beside the writer, and the timeout makes
# writers queue instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    # A 16 MiB page cache (the default is 2): a search reads a few hundred rows twice.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000;",
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks one language per site, chosen by LANGUAGE_CODE (no
# LocaleMiddleware: every reader gets the same page, which is what the page
# cache and the CDN keep). English and German ship; the German catalogs live
# in locale/ (templates) and in each app's locale/ (Python strings), with the
# compiled .mo files committed so nothing needs gettext to run.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow the language; our English date form is in config/formats/en/.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Media: local files by default; any S3-compatible bucket through
# django-storages when AWS_STORAGE_BUCKET_NAME is set (AWS_S3_ENDPOINT_URL
# for non-AWS services, AWS_S3_CUSTOM_DOMAIN for the media domain).
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")

# Writing: Markdown is rendered once on save, by one pipeline that the
# editor's live preview uses too, so the preview is what gets published.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "core.markup.render_post_markdown"
# Uploads (blog/images.py, authors only): the type comes from the bytes, never
# from the browser; JPEG, PNG, GIF and WebP within these limits are accepted
# and re-encoded. The frame and pixel limits (all frames together) bound
# decoding memory and time whatever the file size: a decompression bomb or a
# GIF of 100,000 tiny frames is refused unread.
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = int(os.environ.get("UPLOAD_MAX_SIZE", 5 * 1024 * 1024))
# Request sizes. Readers (anyone not signed in as staff) send at most a
# counterpoint: their requests are refused above READER_MAX_BODY_BYTES and
# when multipart (core/limits.py), before anything parses them. Staff forms
# (a long post in the admin) may be up to DATA_UPLOAD_MAX_MEMORY_SIZE.
READER_MAX_BODY_BYTES = int(os.environ.get("READER_MAX_BODY_BYTES", 128 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
UPLOAD_MAX_PIXELS = int(os.environ.get("UPLOAD_MAX_PIXELS", 40_000_000))
UPLOAD_MAX_FRAMES = int(os.environ.get("UPLOAD_MAX_FRAMES", 500))
WORDS_PER_MINUTE = int(os.environ.get("WORDS_PER_MINUTE", "200"))
POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE", "10"))
# A search ranks at most this many of the newest matching posts (blog/search.py).
SEARCH_RESULTS_LIMIT = int(os.environ.get("SEARCH_RESULTS_LIMIT", "200"))

TAGGIT_CASE_INSENSITIVE = True


def cache_from_url(url):
    """A CACHES entry from redis://…, rediss://… or memcached://host:port."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("memcached://"):
        locations = url.removeprefix("memcached://").split(",")
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": locations}
    raise ImproperlyConfigured(f"CACHE_URL must start with redis://, rediss:// or memcached://, not {url!r}")


# Caches, kept apart so that page pressure can never evict a counter.
# "default" holds rendered pages for anonymous readers, which may be evicted
# at any time: local memory per process unless CACHE_URL names Redis or
# memcached. "shared" holds what every app server must agree on and must
# keep (flood-control counters, the page-cache generation): the
# SHARED_CACHE_URL server (a Redis with maxmemory-policy noeviction, not the
# page cache's server) when there is one, otherwise a table in the database,
# which all app servers already share.
def caches_from_urls(cache_url, shared_cache_url):
    """CACHES for the page cache's URL and the shared (never evicting) cache's URL; either may be empty."""
    return {
        "default": cache_from_url(cache_url)
        if cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": cache_from_url(shared_cache_url)
        if shared_cache_url
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shared_cache",
            # Never culled: Django's default of 300 entries would cull
            # flood-control slots under exactly the flood they are counting,
            # and a culled version of a post page could bring its old stored
            # parts back (core/caching.py, new_generation). Slots expire; the
            # versions are two per post.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000_000},
        },
    }


CACHES = caches_from_urls(os.environ.get("CACHE_URL", ""), os.environ.get("SHARED_CACHE_URL", ""))
# The page cache's keys carry the release (config/release.py): a deploy never
# serves what the code before it drew. RELEASE (e.g. a commit hash) names it
# outright; otherwise it is a hash of the code, templates and static manifest.
RELEASE = os.environ.get("RELEASE") or release.fingerprint(BASE_DIR, STATIC_ROOT)
CACHES["default"]["KEY_PREFIX"] = RELEASE[:16]
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_GENERATION_SECONDS = float(os.environ.get("PAGE_GENERATION_SECONDS", "1"))
# After a change, while one process re-renders a page, the others serve its
# previous copy for at most this long (0: every process renders at once).
PAGE_STALE_SECONDS = int(os.environ.get("PAGE_STALE_SECONDS", "1"))
# The post pages' stored parts (blog.StoredPart) are drawn again when a change
# touches what they show, and at the latest after this long (a day).
PAGE_PARTS_SECONDS = int(os.environ.get("PAGE_PARTS_SECONDS", "86400"))
# How long a CDN or reverse proxy may keep a page that is the same for every
# reader (s-maxage), and serve it stale while it fetches a fresh one.
# Browsers always revalidate (max-age=0) and get a 304 when nothing changed.
PAGE_HTTP_SECONDS = int(os.environ.get("PAGE_HTTP_SECONDS", "60"))
PAGE_HTTP_STALE_SECONDS = int(os.environ.get("PAGE_HTTP_STALE_SECONDS", "30"))

# Security. Production (DEBUG off) defaults to HTTPS everywhere; behind a
# TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles from our own
# origin only, no inline script anywhere. The admin and the markdownx editor
# work under it (their JS is in static files and they use no inline
# scripts); images may come from any https origin, as blog images do.
_media_origin = [MEDIA_URL.rsplit("/", 1)[0]] if MEDIA_URL.startswith("http") else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", *_media_origin],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Counterpoints ---------------------------------------------------------------
# Anti-spam (counterpoints/antispam.py). Flood control: "N/S" allows N
# submissions per S seconds per client IP, counted in the "shared" cache
# that every app server shares. A form sent back sooner than MIN_SECONDS is
# a bot; one older than FORM_MAX_AGE is re-shown with the text kept.
COUNTERPOINT_RATE_LIMIT = os.environ.get("COUNTERPOINT_RATE_LIMIT", "5/600")
COUNTERPOINT_MIN_SECONDS = int(os.environ.get("COUNTERPOINT_MIN_SECONDS", "3"))
COUNTERPOINT_FORM_MAX_AGE = int(os.environ.get("COUNTERPOINT_FORM_MAX_AGE", str(24 * 60 * 60)))
COUNTERPOINT_MAX_LINKS = int(os.environ.get("COUNTERPOINT_MAX_LINKS", "2"))
# Trusted returning submitters (counterpoints/trust.py): publish at once the
# counterpoints of a confirmed address with this many approved and no spam.
COUNTERPOINT_PUBLISH_TRUSTED = env_bool("COUNTERPOINT_PUBLISH_TRUSTED", False)
COUNTERPOINT_TRUST_AFTER = int(os.environ.get("COUNTERPOINT_TRUST_AFTER", "3"))
# How many reverse proxies append to X-Forwarded-For in front of the app.
# 0: the client is REMOTE_ADDR and the header (forgeable) is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Failed admin sign-ins per client per window (core/login.py).
ADMIN_LOGIN_RATE_LIMIT = os.environ.get("ADMIN_LOGIN_RATE_LIMIT", "10/900")
# Who is e-mailed about each new counterpoint (comma-separated). Locally the
# console backend prints the mail to a placeholder address.
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", "moderators@localhost" if DEBUG else "")
# One daily mail to moderators (manage.py send_moderator_digest) instead of one per counterpoint.
MODERATOR_DIGEST = env_bool("MODERATOR_DIGEST", False)
# End of counterpoints --------------------------------------------------------
