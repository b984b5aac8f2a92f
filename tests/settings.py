"""
The suite runs the real settings (config/settings.py) with test-only values
that the environment would provide in a deployment.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The hashed-manifest storage needs collectstatic; tests use the plain one.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Each process re-reads the shared page generation once a second; a test
# that spends longer than that making rows would count that read in a page's
# queries only sometimes. Tests of the re-reading set it to 0 themselves.
PAGE_GENERATION_SECONDS = 3600
