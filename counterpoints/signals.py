"""
Sent after moderation changes what readers may see on some posts, for cache
freshness only: the one place a signal beats a plain call, since the page
cache listens (see apps.py) and the workflows need not know about it.

counterpoints_changed(sender=Counterpoint, post_ids=set[int])
"""

from django.db import transaction
from django.dispatch import Signal

counterpoints_changed = Signal()


def announce_change(*, post_ids):
    """After the commit, tell listeners these posts' counterpoints changed."""
    from .models import Counterpoint

    post_ids = set(post_ids)
    transaction.on_commit(lambda: counterpoints_changed.send(sender=Counterpoint, post_ids=post_ids))
