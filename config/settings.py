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

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
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
    "markdownx",
    "taggit",
    "blog",
    "counterpoints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
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
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")

# Writing: Markdown is rendered once on save, by one pipeline that the
# editor's live preview uses too, so the preview is what gets published.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "blog.markup.render_post_markdown"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
WORDS_PER_MINUTE = int(os.environ.get("WORDS_PER_MINUTE", "200"))
POSTS_PER_PAGE = int(os.environ.get("POSTS_PER_PAGE", "10"))

TAGGIT_CASE_INSENSITIVE = True

# Caches. "default" holds rendered pages for anonymous readers (local memory
# unless CACHE_URL names Redis or memcached). "ratelimit" holds the
# counterpoint flood-control counters and must be shared by every app server:
# by default it is a table in the database, which all of them already share.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ratelimit_cache",
    },
}

# Counterpoints ---------------------------------------------------------------
# Anti-spam (counterpoints/antispam.py). Flood control: "N/S" allows N
# submissions per S seconds per client IP, counted in the "ratelimit" cache
# that every app server shares. A form sent back sooner than MIN_SECONDS is
# a bot; one older than FORM_MAX_AGE is re-shown with the text kept.
COUNTERPOINT_RATE_LIMIT = os.environ.get("COUNTERPOINT_RATE_LIMIT", "5/600")
COUNTERPOINT_MIN_SECONDS = int(os.environ.get("COUNTERPOINT_MIN_SECONDS", "3"))
COUNTERPOINT_FORM_MAX_AGE = int(os.environ.get("COUNTERPOINT_FORM_MAX_AGE", str(24 * 60 * 60)))
COUNTERPOINT_MAX_LINKS = int(os.environ.get("COUNTERPOINT_MAX_LINKS", "2"))
# How many reverse proxies append to X-Forwarded-For in front of the app.
# 0: the client is REMOTE_ADDR and the header (forgeable) is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Who is e-mailed about each new counterpoint (comma-separated). Locally the
# console backend prints the mail to a placeholder address.
MODERATOR_EMAILS = env_list("MODERATOR_EMAILS", "moderators@localhost" if DEBUG else "")
# End of counterpoints --------------------------------------------------------
