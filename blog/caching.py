"""
Page caching for anonymous readers.

Every cached page is keyed by a *generation* held in the cache all app
servers share. Any change a reader could see (a post, its tags or verdicts,
a counterpoint's status) replaces the generation, so every page is fresh at
once without working out which pages were affected. A scheduled post
publishes itself with no save to announce it, so the generation also
remembers when the next one is due and is replaced once that time passes.

Staff, and readers with a message waiting for them, always get a freshly
rendered page. The post page carries a per-visitor form (CSRF token, signed
timestamp), so it caches its fragments rather than the whole page.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

GENERATION_KEY = "pages:generation"


def _new_generation():
    from .models import Post

    upcoming = Post.objects.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
    next_due = upcoming.order_by("published_at").values_list("published_at", flat=True).first()
    state = (uuid.uuid4().hex, next_due)
    caches["shared"].set(GENERATION_KEY, state, timeout=None)
    return state


def page_generation():
    state = caches["shared"].get(GENERATION_KEY)
    if state is None or (state[1] is not None and timezone.now() >= state[1]):
        state = _new_generation()
    return state[0]


def invalidate_pages(**kwargs):
    """Make every cached page stale (also usable as a signal receiver)."""
    _new_generation()


def is_cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def fragment_cache(request):
    """
    Template context for ``{% cache fragment_ttl name … fragment_generation %}``:
    the page-cache lifetime and generation for anonymous readers, a zero
    lifetime (render every time) for everyone else.
    """
    if is_cacheable(request):
        return {"fragment_ttl": settings.PAGE_CACHE_SECONDS, "fragment_generation": page_generation()}
    return {"fragment_ttl": 0, "fragment_generation": "fresh"}


def cache_for_anonymous(view):
    """Serve ``view``'s whole response from the page cache to anonymous readers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_cacheable(request) or settings.PAGE_CACHE_SECONDS <= 0:
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
