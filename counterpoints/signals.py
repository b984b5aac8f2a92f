"""
Sent after moderation changes what readers may see on some posts. The page
cache and search no longer listen here (``core.freshness`` refreshes them
once per transaction); the signal stays for anything else that wants to hear
about it.

counterpoints_changed(sender=Counterpoint, post_ids=set[int])
"""

from django.db import transaction
from django.dispatch import Signal

from core.freshness import refresh_after_commit

counterpoints_changed = Signal()


def announce_change(*, post_ids):
    """After the commit, refresh these posts' pages and tell listeners their counterpoints changed."""
    from .models import Counterpoint

    post_ids = set(post_ids)
    # Scoped: a counterpoint shows on its own post's page, never on another's.
    refresh_after_commit(post_ids=post_ids, scoped=True)
    transaction.on_commit(lambda: counterpoints_changed.send(sender=Counterpoint, post_ids=post_ids))
