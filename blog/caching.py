"""
Whole-page caching for anonymous readers.

Every cached page is keyed by a *generation* held in the cache all app
servers share; any change a reader could see (a post, its tags or verdicts,
a counterpoint's status) replaces the generation, so every page is fresh at
once without working out which pages were affected. Staff and readers with
a pending message always get a freshly rendered page.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import caches

GENERATION_KEY = "pages:generation"


def page_generation():
    shared = caches["shared"]
    generation = shared.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        shared.add(GENERATION_KEY, generation, timeout=None)
        generation = shared.get(GENERATION_KEY, generation)
    return generation


def invalidate_pages(**kwargs):
    """Make every cached page stale (also usable as a signal receiver)."""
    caches["shared"].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def cache_for_anonymous(view):
    """Serve ``view`` from the page cache to anonymous readers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"page:{page_generation()}:{url}"
        cache = caches["default"]
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
