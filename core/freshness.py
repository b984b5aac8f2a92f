"""
Freshness: what readers see follows a change the moment it commits, once.

Whatever changes something a reader could see (a post, its tags or
verdicts, a counterpoint's status, a tag's name) calls
``refresh_after_commit(post_ids=…)``. The model signals in blog/apps.py and
counterpoints/apps.py do it for every save, delete and tag change, so code
that writes through the ORM need not remember; code that writes with
``QuerySet.update()`` (no signal) calls it itself.

Inside a transaction the calls are collected, and one refresh runs after the
commit: the refreshers apps registered with ``on_refresh`` (the blog's
search documents) get every touched post at once, then the page generation
(core/caching.py) is replaced once, then ``after_refresh`` functions draw
again what a few readers would otherwise each draw (the touched posts' page
parts). A rolled-back transaction refreshes
nothing. Refreshing *before* the commit, as signal receivers did until
issue 11, let a reader who arrived in between cache the old rows under the
new generation for the page cache's whole lifetime; and one admin "add
post" with tags and a verdict replaced the generation a dozen times.

Derived rows kept in the database itself (the track record's tallies) go the
other way: they must change *with* the writer's transaction, not after it,
so the functions registered with ``on_change`` run at once, inside it, at
every change, and commit or roll back with it.
"""

import logging

from django.db import transaction

from .caching import CONTENT_VERSIONS_MAX, Scope, invalidate_pages

logger = logging.getLogger(__name__)

# Functions called with the set of touched post ids before the generation changes.
_refreshers = []
# Functions giving the paths of the per-post pages of a set of post ids (the blog registers one).
_post_pages = []
# Functions called with the database alias inside the writer's transaction, at each change.
_changers = []
# Functions called with the set of touched post ids once the generation has changed.
_redrawers = []


def on_change(changer):
    """Have ``changer(using)`` run inside the writer's transaction at each change (keep it cheap)."""
    if changer not in _changers:
        _changers.append(changer)
    return changer


def _changed(using):
    for changer in _changers:
        changer(using)


def on_refresh(refresher):
    """Have ``refresher(post_ids)`` run in every refresh, before the page generation changes."""
    if refresher not in _refreshers:
        _refreshers.append(refresher)
    return refresher


def after_refresh(redrawer):
    """
    Have ``redrawer(post_ids)`` run at the end of every refresh, once the
    pages are stale: to draw and store again what readers would otherwise
    each draw (the blog's post page parts).
    """
    if redrawer not in _redrawers:
        _redrawers.append(redrawer)
    return redrawer


def on_post_pages(paths_for):
    """Have ``paths_for(post_ids)`` name the per-post pages (core/caching.py) of those posts."""
    if paths_for not in _post_pages:
        _post_pages.append(paths_for)
    return paths_for


def refresh_after_commit(*, post_ids=(), scope=Scope.SITE, using=None):
    """
    Refresh what readers see of ``post_ids`` (and every cached page) once
    the current transaction commits: at once outside a transaction, and one
    refresh however many times a transaction calls this.

    ``scope`` (core.caching.Scope): how far the change shows. SITE, the
    default, is always safe. A change narrower than that shows on
    ``post_ids``' own pages and on pages about many posts (lists, feeds),
    never on another post's page, which stays cached: POSTS for a change to
    the posts themselves that no other post's page shows (a verdict, a
    claim, a credit), RESPONSES for their counterpoints only (an approval,
    a reply). A transaction's refresh takes the widest scope of its changes.
    """
    _changed(using)
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _refresh(set(post_ids), scope=scope)
        return
    pending = getattr(connection, "_pending_refresh", None)
    if pending is None or not pending.waiting(connection):
        pending = _PendingRefresh()
        connection._pending_refresh = pending
    pending.post_ids.update(post_ids)
    pending.scope = max(pending.scope, scope)
    # One callback a call, so each savepoint keeps its own (a rolled-back
    # savepoint drops only its callbacks); the first to run refreshes for all.
    transaction.on_commit(pending.run, using=using, robust=True)


class _PendingRefresh:
    """The refresh one transaction owes, collecting the posts it touches."""

    def __init__(self):
        self.post_ids = set()
        self.scope = Scope.RESPONSES
        self.done = False

    def waiting(self, connection):
        # Not yet run, and not discarded with a rolled-back transaction.
        return not self.done and any(
            getattr(func, "__self__", None) is self for _, func, _ in connection.run_on_commit
        )

    def run(self):
        if not self.done:
            self.done = True
            _refresh(self.post_ids, scope=self.scope)


def _refresh(post_ids, *, scope=Scope.SITE):
    for refresher in _refreshers:
        try:
            refresher(post_ids)
        except Exception:
            # The pages must still change even if, say, a search document fails.
            logger.exception("Refreshing %s after a change failed", refresher.__qualname__)
    if len(post_ids) > CONTENT_VERSIONS_MAX:
        # A tag renamed, or an author, on many posts: every post's content at once.
        invalidate_pages(paths=None)
        return
    try:
        paths = {path for paths_for in _post_pages for path in paths_for(post_ids)} if post_ids else set()
    except Exception:
        logger.exception("Finding the pages of posts %s failed: refreshing every page", post_ids)
        invalidate_pages(paths=None)
        return
    invalidate_pages(scope=scope, paths=paths)
    for redrawer in _redrawers:
        try:
            redrawer(post_ids)
        except Exception:
            # The change is committed and its pages stale: readers draw them.
            logger.exception("Drawing again after a change failed in %s", redrawer.__qualname__)
