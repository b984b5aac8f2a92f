"""
Page caching for anonymous readers.

Views opt in with ``@cache_for_anonymous``; ``PageCacheMiddleware``, placed
right after whitenoise, answers a reader's repeat request from the cache
before sessions, CSRF, authentication or URL resolution run, with the
headers the first response carried (CSP included). A request with a session
cookie (staff) or a pending message never reads or fills the cache.

Every cached page is keyed by a *generation* held in the cache all app
servers share. Any change a reader could see (a post, its tags or verdicts,
a counterpoint's status) replaces the generation once its transaction
commits (``core.freshness.refresh_after_commit``), so every page is fresh at
once without working out which pages were affected. Each process remembers
the generation for PAGE_GENERATION_SECONDS (1 by default) rather than asking
the shared cache on every hit: a change made through one app server is
fresh there at once and on the others within that time. A scheduled post
publishes itself with no save to announce it, so the generation also
remembers when the next one is due (asked of the functions registered with
``watch_schedule``) and is replaced once that time passes.

The post page carries a per-visitor form (CSRF token, signed timestamp), so
it caches its fragments (``fragment_cache``) rather than the whole page.
"""

import hashlib
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

GENERATION_KEY = "pages:generation"

# This process's copy of the shared generation: (generation, next_due, read_at).
_remembered = None

# Functions returning when the next change nobody saves is due (a scheduled
# post going live), or None. The blog registers one; core imports no app.
_schedules = []


def watch_schedule(next_due):
    """Replace the generation once ``next_due()`` (a datetime or None) has passed."""
    if next_due not in _schedules:
        _schedules.append(next_due)


def new_generation():
    """Replace the shared generation: every cached page is stale (see ``core.freshness``)."""
    due = [when for when in (next_due() for next_due in _schedules) if when is not None]
    state = (uuid.uuid4().hex, min(due, default=None))
    caches["shared"].set(GENERATION_KEY, state, timeout=None)
    return state


def _remember(state):
    global _remembered
    _remembered = (*state, time.monotonic())
    return state[0]


def page_generation():
    if _remembered is not None:
        generation, next_due, read_at = _remembered
        fresh = time.monotonic() - read_at < settings.PAGE_GENERATION_SECONDS
        if fresh and (next_due is None or timezone.now() < next_due):
            return generation
    state = caches["shared"].get(GENERATION_KEY)
    if state is None or (state[1] is not None and timezone.now() >= state[1]):
        state = new_generation()
    return _remember(state)


def invalidate_pages():
    """Make every cached page stale now, and at once in this process."""
    _remember(new_generation())


def forget_generation():
    """Drop this process's copy of the generation (tests start from a clean slate)."""
    global _remembered
    _remembered = None


def _anonymous_get(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def fragment_cache(request):
    """
    Template context for ``{% cache fragment_ttl name … fragment_generation %}``:
    the page-cache lifetime and generation for anonymous readers, a zero
    lifetime (render every time) for everyone else.
    """
    if _anonymous_get(request) and not request.user.is_authenticated and settings.PAGE_CACHE_SECONDS > 0:
        return {"fragment_ttl": settings.PAGE_CACHE_SECONDS, "fragment_generation": page_generation()}
    return {"fragment_ttl": 0, "fragment_generation": "fresh"}


def cache_for_anonymous(view):
    """Mark ``view``'s responses as the same for every anonymous reader."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.cache_for_anonymous = True
        return response

    return wrapped


class PageCacheMiddleware:
    """Serve and store the pages ``@cache_for_anonymous`` marks (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_get(request) or settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"page:{page_generation()}:{request.method}:{url}"
        cache = caches["default"]
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if getattr(response, "cache_for_anonymous", False) and self.storable(response):
            # One body, not the thousand chunks a feed is written in: stored
            # smaller and sent in one piece.
            response.content = response.content
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def storable(response):
        return response.status_code == 200 and not response.cookies and not response.streaming
