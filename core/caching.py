"""
Page caching for anonymous readers.

Views opt in with ``@cache_for_anonymous(query=[…])``, naming the query
parameters they read; ``PageCacheMiddleware``, placed right after
whitenoise, answers a reader's repeat request from the cache before
sessions, CSRF or authentication run, with the headers the first response
carried (CSP included). It resolves the URL first, so a page that is never
cached costs no lookup, and keys the page by those parameters only. A
request with a session cookie (staff) or a pending message never reads or
fills the cache; nor is a response with a cookie or marked ``private`` or
``no-store`` ever stored.

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

The post page carries a per-visitor form (CSRF token, signed timestamp). It
is stored whole all the same, with a placeholder for each per-visitor value
(``per_visitor``): the middleware fills fresh values in for every visitor,
on the way out, from the stored copy (and sets the CSRF cookie as Django's
CSRF middleware would). The stored copy never holds a token or a cookie,
so no visitor can receive another's. Its fragments are cached too
(``fragment_cache``), so a re-render after a change is cheap.

Stampedes: a page is stored with the generation it was rendered in. When a
change makes it stale, the first request to ask takes a short lock in the
page cache and re-renders it; any other request for it meanwhile (another
thread, or with CACHE_URL another app server) gets the previous copy, for
at most PAGE_STALE_SECONDS (1), instead of all rendering the same page at
once.

HTTP caching: every stored page carries an ``ETag`` and ``Last-Modified``,
and a reader (or proxy) that sends them back gets a 304. Pages the same for
everyone also carry ``Cache-Control: public, max-age=0, s-maxage=…,
stale-while-revalidate=…``: browsers revalidate every time (a cheap 304), a
CDN or reverse proxy may keep the page for ``PAGE_HTTP_SECONDS``. A page
with per-visitor values is ``private, no-cache`` and has no validators;
nothing sent to a session, a message or a POST is ever marked public.
"""

import hashlib
import time
import uuid
from functools import partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

GENERATION_KEY = "pages:generation"
# Anonymous requests with a session or messages cookie never reach the cache.
CACHE_KEY_VARIES = {"cookie"}
ALL_PARAMETERS = "*"  # a view that did not say which query parameters it reads

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
        return {
            "fragment_ttl": settings.PAGE_CACHE_SECONDS,
            "fragment_generation": f"{page_generation()}:{get_language()}",
        }
    return {"fragment_ttl": 0, "fragment_generation": "fresh"}


def cache_for_anonymous(view=None, *, query=None):
    """
    Mark ``view``'s responses as the same for every anonymous reader who
    sends the same ``query`` parameters (the ones the view reads, such as
    ``page`` or ``q``; ``[]`` for none). Other parameters (``utm_source``, a
    random cache-buster) are left out of the cache key: they share the one
    page instead of each filling the cache with a copy. A view that names
    none is keyed by its whole query string, which is safe but lets every
    made-up parameter store a copy.
    """
    if view is None:
        return partial(cache_for_anonymous, query=query)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.cache_for_anonymous = True
        return response

    wrapped.page_cache_query = ALL_PARAMETERS if query is None else tuple(sorted(set(query)))
    return wrapped


def page_cache_query(path):
    """
    The query parameters the page at ``path`` is cached by, or None if its
    view is never cached: known from the URL alone, so a page that is never
    stored costs no cache lookup.
    """
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    view_class = getattr(view, "view_class", None)  # a class-based view, decorated on dispatch()
    return getattr(view_class.dispatch if view_class else view, "page_cache_query", None)


def filling_page_cache(request):
    """Whether the page being rendered will be stored for every anonymous reader."""
    return getattr(request, "per_visitor", None) is not None


def per_visitor(request, make_value):
    """
    In a page stored for every anonymous reader, a placeholder that
    ``make_value(request)`` (picklable: a module-level function or a partial
    of one) replaces for each visitor on the way out; otherwise the value now.
    """
    if not filling_page_cache(request):
        return make_value(request)
    # Derived from the secret key: the same in every process sharing the
    # cache, and nothing a reader could type into a counterpoint.
    placeholder = "v" + salted_hmac("core.caching.per_visitor", str(len(request.per_visitor))).hexdigest()
    request.per_visitor[placeholder] = make_value
    return placeholder


def csrf_token(request):
    """The visitor's CSRF token (``per_visitor(request, csrf_token)`` for a stored page)."""
    from django.middleware.csrf import get_token

    return get_token(request)


def page_key(request, query):
    if query is ALL_PARAMETERS:
        params = urlencode(sorted(request.GET.lists()), doseq=True)
    else:
        params = urlencode([(name, value) for name in query for value in request.GET.getlist(name)])
    url = hashlib.sha256(f"{request.build_absolute_uri(request.path)}?{params}".encode()).hexdigest()
    return f"page:{request.method}:{get_language()}:{url}"


def render_lock_key(key, generation):
    """Held (in the page cache) by the one process re-rendering page ``key`` for ``generation``."""
    return f"page-render:{generation}:{key}"


class PageCacheMiddleware:
    """Serve and store the pages ``@cache_for_anonymous`` marks (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Cached pages are answered before Django's CSRF middleware runs: the
        # per-visitor token and cookie of a stored page come from it here.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not _anonymous_get(request) or settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        query = page_cache_query(request.path_info)
        if query is None:
            return self.get_response(request)
        key, generation = page_key(request, query), page_generation()
        cache = caches["default"]
        stored = cache.get(key)
        if stored is not None:
            stored_generation, response = stored
            if stored_generation == generation or not self.first_to_render(key, generation):
                # Current, or another process is already re-rendering it:
                # the previous copy, for at most PAGE_STALE_SECONDS.
                return self.answer(request, response)
        request.per_visitor = {}
        response = self.get_response(request)
        if getattr(response, "cache_for_anonymous", False) and self.storable(response):
            response.per_visitor = request.per_visitor
            # One body, not the thousand chunks a feed is written in: stored
            # smaller and sent in one piece.
            response.content = response.content
            self.add_http_caching(response)
            cache.set(key, (generation, response), settings.PAGE_CACHE_SECONDS)
        else:
            if stored is not None:  # gone (a deleted post) or no longer storable: no stale copy either
                cache.delete(key)
            if request.per_visitor:
                response.per_visitor = request.per_visitor
        return self.answer(request, response)

    @staticmethod
    def first_to_render(key, generation):
        """Whether this process is the one to re-render a stale page (the others serve the stale copy)."""
        if settings.PAGE_STALE_SECONDS <= 0:
            return True
        # In the page cache, not the shared one: free in local memory (where
        # it spares a threaded worker's threads), one round trip with Redis
        # or memcached (where every app server shares the stored copies, so
        # one render serves them all); no database write on a busy SQLite.
        return caches["default"].add(render_lock_key(key, generation), 1, timeout=settings.PAGE_STALE_SECONDS)

    def answer(self, request, response):
        """The stored page as this visitor gets it: a 304 if they have it, else with their own values."""
        if getattr(response, "per_visitor", None):
            return self.fill_per_visitor(request, response)
        if response.has_header("ETag"):
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=last_modified, response=response
            )
        return response

    @staticmethod
    def add_http_caching(response):
        if response.per_visitor:
            return
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["Last-Modified"] = http_date()
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.PAGE_HTTP_SECONDS,
            stale_while_revalidate=settings.PAGE_HTTP_STALE_SECONDS,
        )

    def fill_per_visitor(self, request, response):
        """This visitor's own values in place of the stored page's placeholders (and their CSRF cookie)."""
        fillers = getattr(response, "per_visitor", None)
        if not fillers:
            return response
        self.csrf.process_request(request)
        content = response.content
        for placeholder, make_value in fillers.items():
            content = content.replace(placeholder.encode(), make_value(request).encode())
        response.content = content
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(content))
        response.per_visitor = None
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return self.csrf.process_response(request, response)

    @staticmethod
    def storable(response):
        cache_control = response.get("Cache-Control", "")
        varies = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in cache_control
            and "no-store" not in cache_control
            # Keyed by URL only: a page that differs by language or encoding is not ours to store.
            and varies <= CACHE_KEY_VARIES
        )
