"""
Page caching for anonymous readers.

Views opt in with ``@cacheable_for_anonymous(query=[…])``, naming the query
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
so no visitor can receive another's. Its parts are stored too, in the
database (blog.StoredPart), each keyed by what it shows (``post_part_versions``):
a process without the page puts it together from them, and a re-render
after a change draws only the parts the change touched (a change to a few
posts draws them itself once it commits: ``core.freshness.after_refresh``).

Pages of one post (the post page, marked ``per_post=True``) show no other
post's counterpoints or verdicts, so a change narrower than the whole site
(``refresh_after_commit(…, scope=…)``, see ``Scope``: an approval, a reply,
a verdict, a claim, a credit) leaves every other post's page as it is: they
are keyed by a generation only site-wide changes replace, and a version of
their own that the narrower change replaces for the posts it touched. After
an approval or a verdict on one post, readers of the others keep their
cached pages (issue 11).

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

import enum
import hashlib
import os
import time
import uuid
from functools import lru_cache, partial, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

GENERATION_KEY = "pages:generation"  # every page but per-post ones: replaced by every change
POST_PAGES_KEY = "pages:generation:per-post"  # per-post pages: replaced by every site-wide change
# The posts' own content (see post_part_versions): replaced for all of them at
# once when a change touches more posts than are worth naming one by one.
CONTENT_EPOCH_KEY = "pages:content-epoch"
CONTENT_VERSIONS_MAX = 100
# Anonymous requests with a session or messages cookie never reach the cache.
CACHE_KEY_VARIES = {"cookie"}
ALL_PARAMETERS = "*"  # a view that did not say which query parameters it reads

# This process's copy of the shared generations: (generation, next_due, per_post_generation,
# content_epoch, read_at), and of per-post pages' own versions: {path: (version, content, read_at)}.
_remembered = None
_remembered_versions = {}
REMEMBERED_VERSIONS = 10_000  # forgotten all at once past this: a second of lookups, never unbounded

# Functions returning when the next change nobody saves is due (a scheduled
# post going live), or None. The blog registers one; core imports no app.
_schedules = []


def watch_schedule(next_due):
    """Replace the generation once ``next_due()`` (a datetime or None) has passed."""
    if next_due not in _schedules:
        _schedules.append(next_due)


def version_key(path):
    """The shared-cache key of the per-post page at ``path``'s own version."""
    return "pages:version:" + hashlib.sha256(path.encode()).hexdigest()


def content_key(path):
    """The shared-cache key of the version of the content (words, tags, verdicts) of the post at ``path``."""
    return "pages:content:" + hashlib.sha256(path.encode()).hexdigest()


class Scope(enum.IntEnum):
    """
    How far a change to some posts shows, narrowest first (a transaction's
    refresh takes the widest of its changes'). Pages about many posts (lists,
    feeds, the track record) follow every change.
    """

    RESPONSES = 1  # their counterpoints (an approval, a reply): on their own pages
    POSTS = 2  # the posts themselves but nothing others show of them (a verdict, a claim, a credit)
    SITE = 3  # anything (a title, a date, tags, a series): every page, other posts' pages too


def new_generation(*, scope=Scope.SITE, paths=()):
    """
    Replace the shared generation after a change of ``scope`` to the posts
    whose pages are at ``paths`` (None: any post's): every cached page is
    stale (see ``core.freshness``), but for a change narrower than SITE,
    which leaves other posts' pages fresh; and the stored parts of a post
    page that show the post's own content (``post_part_versions``) only if the
    change touched that post's content.
    """
    due = [when for when in (next_due() for next_due in _schedules) if when is not None]
    state = (uuid.uuid4().hex, min(due, default=None))
    shared = caches["shared"]
    # Separate keys, each only ever set whole: no read-modify-write for two
    # app servers' changes to race on. Versions never expire: a post page's
    # stored parts outlive the page cache (blog.StoredPart), and a version
    # that went back to "-" (never changed) would let a part drawn before the
    # first change match again. The shared cache never evicts (settings);
    # if it is emptied, the generation goes with it, and a new one replaces
    # the content epoch and per-post generation every part is keyed by.
    keys, versions = {GENERATION_KEY: state}, {}
    if scope is Scope.SITE or paths is None:
        keys[POST_PAGES_KEY] = state[0]
    else:
        versions.update((version_key(path), state[0]) for path in paths)
    if scope is not Scope.RESPONSES:
        if paths is None or len(paths) > CONTENT_VERSIONS_MAX:
            keys[CONTENT_EPOCH_KEY] = state[0]
        else:
            versions.update((content_key(path), state[0]) for path in paths)
    if versions:
        shared.set_many(versions, timeout=None)
    shared.set_many(keys, timeout=None)
    return state


def _read_shared(path=None):
    """Ask the shared cache for the generations (and ``path``'s version) in one round trip."""
    global _remembered
    shared = caches["shared"]
    keys = [GENERATION_KEY, POST_PAGES_KEY, CONTENT_EPOCH_KEY]
    if path:
        keys += [version_key(path), content_key(path)]
    found = shared.get_many(keys)
    state, per_post = found.get(GENERATION_KEY), found.get(POST_PAGES_KEY)
    if state is None or per_post is None:  # lost with the shared cache: so may any version be
        state = new_generation(paths=None)
        per_post = state[0]
        found[CONTENT_EPOCH_KEY] = state[0]
    elif state[1] is not None and timezone.now() >= state[1]:  # a scheduled post is out
        state = new_generation()
        per_post = state[0]
    now = time.monotonic()
    _remembered = (*state, per_post, found.get(CONTENT_EPOCH_KEY, "-"), now)
    if path:
        # "-" until a change touches the post.
        version, content = found.get(version_key(path), "-"), found.get(content_key(path), "-")
        if len(_remembered_versions) >= REMEMBERED_VERSIONS:
            _remembered_versions.clear()
        _remembered_versions[path] = (version, content, now)
    return _remembered


def _fresh(read_at):
    return time.monotonic() - read_at < settings.PAGE_GENERATION_SECONDS


def _generations(path=None):
    """This process's copy of the shared generations (and of ``path``'s versions), read again when stale."""
    remembered = _remembered
    if remembered is not None:
        _, next_due, _, _, read_at = remembered
        if not (_fresh(read_at) and (next_due is None or timezone.now() < next_due)):
            remembered = None
    if path is None:
        return remembered or _read_shared(), None
    versions = _remembered_versions.get(path)
    if remembered is None or versions is None or not _fresh(versions[2]):
        remembered = _read_shared(path)
        versions = _remembered_versions[path]
    return remembered, versions


def page_generation(path=None):
    """
    The generation pages are stored under; for the per-post page at ``path``,
    its own (site-wide changes and narrower changes to its post replace it).
    """
    remembered, versions = _generations(path)
    if path is None:
        return remembered[0]
    return f"{remembered[2]}:{versions[0]}"


def invalidate_pages(*, scope=Scope.SITE, paths=()):
    """
    Make the cached pages a change of ``scope`` to the posts at ``paths``
    touched stale now (see ``new_generation``), and at once in this process.
    """
    new_generation(scope=scope, paths=paths)
    _read_shared()
    for path in paths or ():
        _remembered_versions.pop(path, None)  # read afresh by its next request


def forget_generation():
    """Drop this process's copy of the generation (tests start from a clean slate)."""
    global _remembered
    _remembered = None
    _remembered_versions.clear()


def _anonymous_get(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def post_part_versions(request):
    """
    The versions of the parts of the per-post page ``request.path`` that
    are stored for anonymous readers (``{% stored_part %}``, blog.StoredPart),
    or None for everyone else (drawn every time). Each part is keyed by what
    it shows, so a change draws again only the parts it touched:

    - ``content_version``: the post's own words, tags, verdicts and claims,
      replaced only by changes that touch this post (Scope.POSTS or SITE);
    - ``posts_version``: what it shows of other posts (related posts, the
      previous and next post, its series), replaced by every site-wide change;
    - ``responses_version``: its counterpoints, replaced by any change to
      this post, its counterpoints included (Scope.RESPONSES).

    After an approval only the counterpoints are drawn again; after a verdict
    the article, its meta and the counterpoints (which show the credits); after
    a site-wide change to another post only the navigation. Other posts'
    approvals and verdicts leave the page stored whole. The parts outlive the
    page cache: a process that has not stored the page (another worker, a
    restart, an evicted copy) puts it together from them.

    With DEBUG on, nothing is stored: the development server takes a changed
    template without restarting, so the release the parts are keyed by
    (``parts_salt``) would not change with it.
    """
    if not (post_parts_stored() and _anonymous_get(request) and not request.user.is_authenticated):
        return dict.fromkeys(PART_VERSIONS)
    (_, _, per_post, epoch, _), (version, content, _) = _generations(request.path)
    shown = f"{parts_salt()}:{get_language()}"
    return {
        "content_version": f"{epoch}:{content}:{shown}",
        "posts_version": f"{per_post}:{shown}",
        "responses_version": f"{epoch}:{content}:{version}:{shown}",
    }


def post_parts_stored():
    """Whether post pages' parts are stored at all: with the page cache on and DEBUG off."""
    return settings.PAGE_CACHE_SECONDS > 0 and not settings.DEBUG


@lru_cache(maxsize=1)
def parts_salt():
    """
    What a post page's stored parts show besides the rows, which no change
    to the rows announces: the code and templates that drew them (the
    release) and the settings they print. A deploy that changes any of them
    draws every part again.
    """
    shown = [settings.RELEASE, settings.SITE_NAME, settings.SITE_URL, settings.MEDIA_URL, settings.STATIC_URL]
    shown += [settings.TIME_ZONE, settings.WORDS_PER_MINUTE]
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]


PART_VERSIONS = ("content_version", "posts_version", "responses_version")


def cacheable_for_anonymous(view=None, *, query=None, per_post=False):
    """
    Mark ``view``'s responses as the same for every anonymous reader who
    sends the same ``query`` parameters (the ones the view reads, such as
    ``page`` or ``q``; ``[]`` for none). Other parameters (``utm_source``, a
    random cache-buster) are left out of the cache key: they share the one
    page instead of each filling the cache with a copy. A view that names
    none is keyed by its whole query string, which is safe but lets every
    made-up parameter store a copy.

    ``per_post``: the page shows one post and no other post's counterpoints
    or verdicts, so a change narrower than the site (``Scope``) to other
    posts leaves it fresh (see the module docstring).
    """
    if view is None:
        return partial(cacheable_for_anonymous, query=query, per_post=per_post)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.cacheable_for_anonymous = True
        return response

    wrapped.page_cache_query = ALL_PARAMETERS if query is None else tuple(sorted(set(query)))
    wrapped.page_cache_per_post = per_post
    return wrapped


@lru_cache(maxsize=4096)
def page_cache_rule(path):
    """
    How the page at ``path`` is cached: ``(query parameters, per_post)``, or
    None if its view is never cached; known from the URL alone, so a page
    that is never stored costs no cache lookup. Remembered per path (the
    URLconf does not change while the process runs; a bounded number of paths).
    """
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    view_class = getattr(view, "view_class", None)  # a class-based view, decorated on dispatch()
    view = view_class.dispatch if view_class else view
    query = getattr(view, "page_cache_query", None)
    return None if query is None else (query, getattr(view, "page_cache_per_post", False))


def _setting_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf
        page_cache_rule.cache_clear()
    parts_salt.cache_clear()


setting_changed.connect(_setting_changed)


def filling_page_cache(request):
    """Whether the page being rendered will be stored for every anonymous reader."""
    return getattr(request, "per_visitor", None) is not None


def reader_request(path):
    """
    A GET of ``path`` as an anonymous reader with no cookies makes it, for a
    page stored for every reader (per-visitor values as placeholders): to
    draw such a page outside a request, after a change, so that readers get
    it stored (blog.views.redraw_post_pages).
    """
    from django.contrib.auth.models import AnonymousUser  # models: not before the apps are ready

    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.user = AnonymousUser()
    request.per_visitor = {}
    return request


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


_CSRF_PLACES = {char: place for place, char in enumerate(CSRF_ALLOWED_CHARS)}


def _random_places(length=CSRF_SECRET_LENGTH):
    """
    ``length`` places in CSRF_ALLOWED_CHARS, uniformly at random, from one
    read of the system's randomness: Django's ``get_random_string`` makes a
    call per character, 64 for a new visitor's secret and mask, which was the
    largest cost of a cached post page.
    """
    size = len(CSRF_ALLOWED_CHARS)
    usable = 256 - 256 % size  # bytes at or above this would favour the first letters
    places = []
    while len(places) < length:
        places += [byte % size for byte in os.urandom(2 * length) if byte < usable]
    return places[:length]


def csrf_token(request):
    """
    The visitor's CSRF token (``per_visitor(request, csrf_token)`` for a
    stored page), as Django's ``get_token`` makes it: their secret (from
    their cookie, else a new one the CSRF middleware sets as the cookie),
    masked afresh.
    """
    chars, size = CSRF_ALLOWED_CHARS, len(CSRF_ALLOWED_CHARS)
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = "".join(chars[place] for place in _random_places())
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # sent (or its expiry renewed) on the way out
    mask = _random_places()
    pairs = zip((_CSRF_PLACES[char] for char in secret), mask, strict=True)
    cipher = "".join(chars[(x + y) % size] for x, y in pairs)
    return "".join(chars[place] for place in mask) + cipher


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
    """Serve and store the pages ``@cacheable_for_anonymous`` marks (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Cached pages are answered before Django's CSRF middleware runs: the
        # per-visitor token and cookie of a stored page come from it here.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not _anonymous_get(request) or settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        rule = page_cache_rule(request.path_info)
        if rule is None:
            return self.get_response(request)
        query, per_post = rule
        key, generation = page_key(request, query), page_generation(request.path if per_post else None)
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
        if getattr(response, "cacheable_for_anonymous", False) and self.storable(response):
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
