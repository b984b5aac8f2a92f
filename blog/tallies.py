"""
Tallies: counts the track record reads instead of counting every published
post (and claim) on each request, so /hindsight/ costs the same at 10 posts
and at 10,000 (issue 11).

Each set of tallies has a name, a rebuild function and a ``TallyState`` row.
Any change a reader could see marks every set stale inside the writer's
transaction (``core.freshness.on_change``: one UPDATE, which matches no row
once they are stale), so the mark commits or rolls back with the change. The next reader of a
stale set rebuilds it, under a lock on its state row so that concurrent
readers rebuild it once; readers of a fresh set pay one small query. A
scheduled post goes live with no save to mark anything, so a set also
remembers when the next one is due and is rebuilt once that time passes.

Rebuilding is the honest count over every published post (about 0.1 s at
10,000 posts), paid by the first reader of /hindsight/ after a change.
"""

from django.db import transaction
from django.utils import timezone

from .models import Post, TallyState


def mark_stale(using=None):
    """Every set of tallies is stale once the current transaction commits."""
    TallyState.objects.using(using or "default").filter(stale=False).update(stale=True)


def _fresh(state):
    return (
        state is not None
        and not state.stale
        and (state.valid_until is None or timezone.now() < state.valid_until)
    )


def ensure_fresh(name, rebuild):
    """Rebuild the tallies ``name`` with ``rebuild()`` unless they are fresh (one query when they are)."""
    if _fresh(TallyState.objects.filter(name=name).first()):
        return
    with transaction.atomic():
        state, _ = TallyState.objects.select_for_update().get_or_create(name=name)
        if _fresh(state):  # another reader rebuilt them while this one waited for the lock
            return
        # Asked before the count: a post going live in between is then counted
        # and also triggers one needless rebuild, rather than never counted.
        upcoming = Post.objects.in_state(Post.State.SCHEDULED).order_by("published_at")
        state.valid_until = upcoming.values_list("published_at", flat=True).first()
        rebuild()
        state.stale = False
        state.save()
